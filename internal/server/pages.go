package server

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/notify"
)

// pageTemplate has the sign-in page's look: a card on the app's
// background, its colours and type, without loading anything.
var pageTemplate = template.Must(template.New("").Parse(`<!doctype html><html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}} · Parley</title>
<style>
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1rem; box-sizing: border-box;
  font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2430; background: linear-gradient(160deg, #eef1fb, #f6f7f9); }
main { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 10px 30px rgb(20 30 60 / 10%); width: min(420px, 100%); box-sizing: border-box; }
.brand { font-weight: 700; font-size: 1.1rem; margin-bottom: 1rem; }
.logo { display: inline-block; width: 22px; height: 22px; border-radius: 6px; background: #3b5bdb; position: relative; vertical-align: -5px; }
.logo::after { content: ''; position: absolute; inset: 6px 5px 7px 5px; background: #fff; border-radius: 2px; }
h1 { font-size: 1.3rem; margin: 0 0 .5rem; line-height: 1.25; }
p { margin: 0 0 1rem; }
a { color: #3b5bdb; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin: 0; }
.primary { display: inline-block; font: inherit; padding: .45rem 1rem; background: #3b5bdb; color: #fff; border: 0; border-radius: 6px; text-decoration: none; font-weight: 600; cursor: pointer; }
</style></head>
<body><main>
<div class="brand"><span class="logo" aria-hidden="true"></span> Parley</div>
<h1>{{.Title}}</h1><p>{{.Text}}</p>
{{if .Button}}<form method="post"><button class="primary">{{.Button}}</button></form>{{end}}
{{if .Links}}<p class="actions">{{range $i, $l := .Links}}<a {{if eq $i 0}}class="primary" {{end}}href="{{$l.Href}}">{{$l.Text}}</a>{{end}}</p>
{{else}}<p><a href="/">Parley</a></p>{{end}}
</main></body></html>`))

// page writes one of the server's own pages (notify's catalogue) in the
// language the browser asks for.
func page(w http.ResponseWriter, r *http.Request, status int, key string, values map[string]string) {
	lang := notify.Locale(strings.Split(r.Header.Get("Accept-Language"), ",")[0])
	title, text, button := notify.Page(lang, key, values)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page loads nothing and runs nothing; its form posts to itself.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'")
	w.WriteHeader(status)
	pageTemplate.Execute(w, map[string]any{"Lang": lang, "Title": title, "Text": text, "Button": button,
		"Links": notify.PageLinks(lang, key)})
}

package server

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/notify"
)

var pageTemplate = template.Must(template.New("").Parse(`<!doctype html><html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}} · Parley</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; color: #1f2430; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1 style="font-size: 1.4rem">{{.Title}}</h1><p>{{.Text}}</p>
{{if .Button}}<form method="post"><button style="font: inherit; padding: .5rem 1rem; background: #3b5bdb; color: #fff; border: 0; border-radius: 6px">{{.Button}}</button></form>{{end}}
<p><a href="/">Parley</a></p></body></html>`))

// page writes one of the server's own pages (notify's catalogue) in the
// language the browser asks for.
func page(w http.ResponseWriter, r *http.Request, status int, key string, values map[string]string) {
	lang := notify.Locale(strings.Split(r.Header.Get("Accept-Language"), ",")[0])
	title, text, button := notify.Page(lang, key, values)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The page loads nothing and runs nothing; its form posts to itself.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'")
	w.WriteHeader(status)
	pageTemplate.Execute(w, map[string]string{"Lang": lang, "Title": title, "Text": text, "Button": button})
}

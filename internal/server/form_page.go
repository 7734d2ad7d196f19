package server

import (
	"crypto/rand"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
)

// A form's hosted page (SPEC CHN-7): plain HTML that loads and runs
// nothing, in the form's language (or ?lang=), framed by its sites when
// ?embed=1. The browser's own checks are off (novalidate), so every error
// is the server's, in the page's language, beside its field.

var formTemplate = template.Must(template.New("").Parse(`<!doctype html><html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
<style>
body { margin: 0; padding: 1rem; box-sizing: border-box; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1f2430;
  background: {{if .Embed}}transparent{{else}}linear-gradient(160deg, #eef1fb, #f6f7f9); min-height: 100vh; display: grid; place-items: start center{{end}}; }
main { background: #fff; padding: {{if .Embed}}.25rem{{else}}2rem{{end}}; border-radius: 12px; width: min(560px, 100%); box-sizing: border-box;
  {{if not .Embed}}box-shadow: 0 10px 30px rgb(20 30 60 / 10%); margin-top: 2rem;{{end}} }
h1 { font-size: 1.35rem; margin: 0 0 .75rem; line-height: 1.25; }
p { margin: 0 0 1rem; white-space: pre-line; }
.field { margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
.check label { display: flex; gap: .5rem; align-items: baseline; font-weight: 400; }
.hint { font-weight: 400; color: #5c6475; }
input:not([type=checkbox]), select, textarea { box-sizing: border-box; width: 100%; font: inherit; padding: .5rem .6rem; border: 1px solid #c5cad6; border-radius: 6px; background: #fff; color: inherit; }
textarea { min-height: 7rem; resize: vertical; }
[aria-invalid=true] { border-color: #c92a2a !important; }
.error { color: #c92a2a; margin: .25rem 0 0; }
.summary { background: #fff5f5; border: 1px solid #ffc9c9; color: #a61e1e; padding: .6rem .8rem; border-radius: 6px; }
button, .button { display: inline-block; font: inherit; padding: .55rem 1.2rem; background: #3b5bdb; color: #fff; border: 0; border-radius: 6px; font-weight: 600; cursor: pointer; text-decoration: none; }
.trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
</style></head>
<body><main>
<h1>{{.Title}}</h1>
{{if .Notice}}<p role="status">{{.Notice}}</p>
{{else if .Sent}}<p role="status">{{.Thanks}}</p><p><a class="button" href="{{.Again}}">{{.Words.again}}</a></p>
{{else}}{{if .Intro}}<p>{{.Intro}}</p>{{end}}
{{if .Invalid}}<p class="summary" role="alert">{{.Words.fix}}</p>{{end}}
<form method="post" action="{{.Action}}" novalidate accept-charset="utf-8">
<input type="hidden" name="_sid" value="{{.SID}}">
<div class="trap" aria-hidden="true"><label>Website <input name="_hp" tabindex="-1" autocomplete="off"></label></div>
{{range .Fields}}<div class="field{{if eq .Type "checkbox"}} check{{end}}">
{{if eq .Type "checkbox"}}<label><input type="checkbox" id="f-{{.Key}}" name="{{.Key}}" value="yes"{{if .Value}} checked{{end}}{{template "aria" .}}> <span>{{.Label}}{{if not .Required}} <span class="hint">({{$.Words.optional}})</span>{{end}}</span></label>
{{else}}<label for="f-{{.Key}}">{{.Label}}{{if not .Required}} <span class="hint">({{$.Words.optional}})</span>{{end}}</label>
{{if eq .Type "textarea"}}<textarea id="f-{{.Key}}" name="{{.Key}}"{{template "aria" .}}>{{.Value}}</textarea>
{{else if eq .Type "select"}}<select id="f-{{.Key}}" name="{{.Key}}"{{template "aria" .}}><option value="">{{$.Words.choose}}</option>{{$v := .Value}}{{range .Options}}<option{{if eq . $v}} selected{{end}}>{{.}}</option>{{end}}</select>
{{else}}<input id="f-{{.Key}}" name="{{.Key}}" type="{{.Input}}"{{if .Mode}} inputmode="{{.Mode}}"{{end}} value="{{.Value}}"{{if .Auto}} autocomplete="{{.Auto}}"{{end}}{{template "aria" .}}>
{{end}}{{end}}{{if .Error}}<p class="error" id="f-{{.Key}}-error">{{.Error}}</p>{{end}}
</div>
{{end}}<button type="submit">{{.Words.send}}</button>
</form>{{end}}
</main></body></html>
{{define "aria"}}{{if .Required}} required aria-required="true"{{end}}{{if .Error}} aria-invalid="true" aria-describedby="f-{{.Key}}-error"{{end}}{{end}}`))

// formView is what a form's page shows: the form (with what was posted and
// its problems), the thank-you page, or a notice.
type formView struct {
	Sent                bool
	Value               func(string) string
	Problems            []parley.FieldProblem
	Notice, NoticeTitle string
}

// pageField is a field as the page draws it.
type pageField struct {
	parley.FormField
	Input, Mode, Auto string // the input's type, inputmode and autocomplete
	Value, Error      string
}

func renderForm(w http.ResponseWriter, fr *formRequest, status int, v formView) {
	words := notify.FormWords(fr.lang)
	data := map[string]any{"Lang": fr.lang, "Words": words, "Embed": fr.embed, "Sent": v.Sent,
		"Notice": v.Notice, "Invalid": len(v.Problems) > 0}
	ancestors, actions := []string{"'self'"}, []string{"'self'"}
	if fr.ch == nil {
		data["Title"] = v.NoticeTitle
	} else {
		data["Title"] = fr.ch.Name
		if v.Notice != "" {
			data["Title"] = v.NoticeTitle
		}
		ancestors = append(ancestors, fr.set.AllowedOrigins...)
		if u, err := url.Parse(fr.set.ThanksURL); err == nil && u.Host != "" {
			actions = append(actions, u.Scheme+"://"+u.Host) // the redirect after a post
		}
		data["Intro"], data["Action"], data["Again"] = fr.set.Intro, formURL(fr, ""), formURL(fr, "")
		data["Thanks"] = fr.set.Thanks
		if fr.set.Thanks == "" {
			data["Thanks"] = words["thanks_text"]
		}
		if v.Sent {
			data["Title"] = words["thanks"]
		}
		data["Fields"] = pageFields(fr.set, words, v)
		data["SID"] = strings.ToLower(rand.Text())
		if v.Value != nil && v.Value(parley.FormSubmissionID) != "" {
			data["SID"] = v.Value(parley.FormSubmissionID) // the same submission, fixed
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action "+
		strings.Join(actions, " ")+"; frame-ancestors "+strings.Join(ancestors, " "))
	w.WriteHeader(status)
	formTemplate.Execute(w, data)
}

// pageFields are the name, the email and the form's own fields, each with
// what was posted and its error.
func pageFields(set parley.FormSettings, words map[string]string, v formView) []pageField {
	fields := append([]parley.FormField{
		{Key: parley.FormNameField, Label: words["name"], Type: "text"},
		{Key: parley.FormEmailField, Label: words["email"], Type: "email", Required: true},
	}, set.Fields...)
	out := make([]pageField, len(fields))
	for i, f := range fields {
		p := pageField{FormField: f, Input: "text"}
		switch f.Type {
		case "email":
			p.Input = "email"
		case "phone":
			p.Input, p.Auto = "tel", "tel"
		case "number":
			p.Mode = "decimal"
		}
		switch f.Key {
		case parley.FormNameField:
			p.Auto = "name"
		case parley.FormEmailField:
			p.Auto = "email"
		}
		if v.Value != nil {
			p.Value = v.Value(f.Key)
		}
		for _, problem := range v.Problems {
			if problem.Key == f.Key {
				p.Error = words[problem.Reason]
			}
		}
		out[i] = p
	}
	return out
}

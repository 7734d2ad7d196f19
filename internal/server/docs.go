package server

import (
	"io/fs"
	"net/http"
)

// The API docs page is Swagger UI, served from the binary: make builds its
// files into the web app under apidocs/ (web/vite.config.ts). huma's own
// page loads its script from a public CDN, which a policy would have to let
// in; this one names no origin but 'self' and runs no inline script (its
// icons are data: images, which come from no one).
const (
	docsPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"

	docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API</title>
<link rel="stylesheet" href="/apidocs/swagger-ui.css">
</head>
<body>
<div id="docs" data-spec="/api/v1/openapi.json"></div>
<script src="/apidocs/swagger-ui-bundle.js"></script>
<script src="/apidocs/init.js"></script>
</body>
</html>
`
	// docsUnbuilt stands in, like web/dist/placeholder.html for the app,
	// when the binary was built without the web app.
	docsUnbuilt = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Parley API</title></head>
<body>
<h1>Parley API</h1>
<p>The API docs page comes with the web app, which this server was built without
(<code>make build</code> builds it).</p>
<p>The OpenAPI document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</body>
</html>
`
)

// docs serves the API docs page at /api/v1/docs.
func (s *Server) docs(w http.ResponseWriter, _ *http.Request) {
	page := docsPage
	if _, err := fs.Stat(s.web, "apidocs/swagger-ui-bundle.js"); err != nil {
		page = docsUnbuilt
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", docsPolicy)
	w.Write([]byte(page))
}

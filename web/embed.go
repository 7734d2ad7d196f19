// Package web embeds the agent app that make builds into web/dist/app. A
// clone that has not built it still compiles and serves a placeholder page.
package web

import (
	"embed"
	"io/fs"
	"testing/fstest"
)

//go:embed dist
var dist embed.FS

// Dist returns the built app's files, or a placeholder index.html when the
// app has not been built.
func Dist() fs.FS {
	if app, err := fs.Sub(dist, "dist/app"); err == nil {
		if _, err := fs.Stat(app, "index.html"); err == nil {
			return app
		}
	}
	page, err := dist.ReadFile("dist/placeholder.html")
	if err != nil {
		panic(err) // embedded at build time; this cannot fail
	}
	return fstest.MapFS{"index.html": {Data: page}}
}

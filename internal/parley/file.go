package parley

import (
	"mime"
	"path"
	"strings"
	"unicode/utf8"
)

// File checks a file someone sends (an upload, a document): it must have
// bytes and a name; the name loses any folders a browser or an OS put in
// front of it, and the content type keeps only its media type (octet-stream
// when unreadable). Errors name the field: body or name.
func File(name, contentType string, data []byte) (string, string, error) {
	if len(data) == 0 {
		return "", "", Invalid("body", "is empty: send the file's bytes")
	}
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	if name == "" || name == "." || name == "/" || !utf8.ValidString(name) || len(name) > 255 {
		return "", "", Invalid("name", "is required: the file's name, up to 255 bytes")
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		contentType = mt
	} else {
		contentType = "application/octet-stream"
	}
	return name, contentType, nil
}

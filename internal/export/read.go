package export

import (
	"archive/tar"
	"compress/gzip"
	"io"
)

// Entry is one file of an archive, as Read gives it.
type Entry struct {
	Name string
	Data []byte
}

// Read reads a whole archive into memory, in its order: for looking into
// a small one (the tests, a support case), never for a real export.
func Read(r io.Reader) ([]Entry, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	var out []Entry
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{h.Name, b})
	}
}

// ReadFiles is Read as a map from each file's name to its content.
func ReadFiles(r io.Reader) (map[string][]byte, error) {
	entries, err := Read(r)
	out := make(map[string][]byte, len(entries))
	for _, e := range entries {
		out[e.Name] = e.Data
	}
	return out, err
}

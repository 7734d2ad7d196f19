// Package export writes Parley's data, or one inbox's, as one archive a
// person or another program can read (SPEC PLT-3): a gzip'd tar of JSON
// lines files, one per kind of thing, with the attachments and raw mail
// beside them. Unlike a backup (package backup) it is not for restoring:
// it holds no secret, no password hash, no channel configuration.
//
// It is streamed: rows are read a page at a time by id and written as
// they are read, each JSON lines file spooled to a temporary file (a tar
// entry's size comes before its content), so memory stays flat however
// many conversations there are (TestMemoryStaysFlat).
package export

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Format is the archive format this build writes.
const Format = 1

// The archive's entries: the manifest first, then the JSON lines files in
// Files' order, then attachments/<key> and raw/<message id>.eml.
const (
	ManifestName     = "manifest.json"
	AttachmentPrefix = "attachments/" // then the blob's key: its SHA-256
	RawPrefix        = "raw/"         // then the message's id and .eml
)

// Files are the JSON lines files of an archive, in order. conversations,
// messages and events are written together, a page of conversations at a
// time; the rest a page at a time each.
var Files = []string{"inboxes", "channels", "users", "teams", "pipelines", "companies", "contacts",
	"conversations", "messages", "events", "tickets", "deals"}

// Manifest says what an archive holds.
type Manifest struct {
	Format  int       `json:"format"`
	Parley  string    `json:"parley"`
	Created time.Time `json:"created"`
	// Inbox is the inbox exported; nil for everything.
	Inbox *ManifestInbox `json:"inbox"`
	// Counts are the lines of each file (inboxes.jsonl…), by file name.
	Counts      map[string]int64 `json:"counts"`
	Attachments int64            `json:"attachments"`
	RawMail     int64            `json:"raw_mail"`
}

// ManifestInbox names the inbox an archive is of.
type ManifestInbox struct {
	ID   parley.ID `json:"id"`
	Name string    `json:"name"`
}

// Archive is what an archive is of, and how it is written.
type Archive struct {
	// Inbox exports that inbox only; nil, everything.
	Inbox     *parley.ID
	InboxName string
	Version   string // Parley's
	Now       func() time.Time
	// TempDir is where the JSON lines files are spooled: a directory with
	// room for them (the archive's own, as a rule).
	TempDir string
	// Progress, when set, is told how many conversations are written of
	// how many, after each page; an error it returns stops the export.
	Progress func(done, total int64) error
	// PageSize is how many rows are read at a time (default 200).
	PageSize int
}

// Write writes an archive of opt's data from st and blobs to w.
func Write(ctx context.Context, w io.Writer, st *store.Store, blobs *blob.Dir, opt Archive) (Manifest, error) {
	m := Manifest{Format: Format, Parley: opt.Version, Created: parley.Normalize(opt.Now()), Counts: map[string]int64{}}
	if opt.Inbox != nil {
		m.Inbox = &ManifestInbox{ID: *opt.Inbox, Name: opt.InboxName}
	}
	if opt.PageSize <= 0 {
		opt.PageSize = 200
	}
	tmp, err := os.MkdirTemp(opt.TempDir, ".parley-export-*")
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp)
	sp, err := newSpool(tmp)
	if err != nil {
		return m, err
	}
	defer sp.close()
	lastMessage, err := sp.fill(ctx, st, opt, m.Counts)
	if err != nil {
		return m, err
	}
	if err := sp.flush(); err != nil {
		return m, err
	}
	if m.Attachments, err = st.ExportBlobCount(ctx, opt.Inbox, lastMessage); err != nil {
		return m, err
	}
	if m.RawMail, err = st.ExportRawCount(ctx, opt.Inbox, lastMessage); err != nil {
		return m, err
	}

	// Attachments are mostly compressed already: the fastest level.
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	tw := tar.NewWriter(gz)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	if err := add(tw, ManifestName, int64(len(manifest)), m.Created, bytes.NewReader(manifest)); err != nil {
		return m, err
	}
	for _, name := range Files {
		if err := addFile(tw, name+".jsonl", sp.path(name), m.Created); err != nil {
			return m, err
		}
		os.Remove(sp.path(name))
	}
	done := m.Counts["conversations"]
	beat := func() error {
		if opt.Progress != nil {
			return opt.Progress(done, done)
		}
		return ctx.Err()
	}
	// Blobs never change under a key; one erased since it was counted is
	// passed over.
	for after := ""; ; {
		keys, err := st.ExportBlobs(ctx, opt.Inbox, lastMessage, after, opt.PageSize)
		if err != nil {
			return m, err
		}
		for _, key := range keys {
			if err := addBlob(tw, blobs, key, m.Created); err != nil {
				return m, err
			}
		}
		if len(keys) < opt.PageSize {
			break
		}
		after = keys[len(keys)-1]
		if err := beat(); err != nil {
			return m, err
		}
	}
	for after := int64(0); ; {
		ids, err := st.ExportRawIDs(ctx, opt.Inbox, lastMessage, after, opt.PageSize)
		if err != nil {
			return m, err
		}
		for _, id := range ids {
			raw, err := st.ExportRaw(ctx, id)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				continue
			} else if err != nil {
				return m, err
			}
			if err := add(tw, RawPrefix+strconv.FormatInt(id, 10)+".eml", int64(len(raw)), m.Created, bytes.NewReader(raw)); err != nil {
				return m, err
			}
		}
		if len(ids) < opt.PageSize {
			break
		}
		after = ids[len(ids)-1]
		if err := beat(); err != nil {
			return m, err
		}
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	if err := gz.Close(); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	return m, nil
}

// WriteFile writes an archive to path, through path.tmp renamed once
// whole, so a file at path is always a complete archive. It returns the
// archive's size.
func WriteFile(ctx context.Context, path string, st *store.Store, blobs *blob.Dir, opt Archive) (m Manifest, size int64, err error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return m, 0, fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if opt.TempDir == "" {
		opt.TempDir = filepath.Dir(path)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	if m, err = Write(ctx, bw, st, blobs, opt); err != nil {
		return m, 0, err
	}
	if err := bw.Flush(); err != nil {
		return m, 0, fmt.Errorf("export: %w", err)
	}
	if err := f.Sync(); err != nil {
		return m, 0, fmt.Errorf("export: %w", err)
	}
	st2, err := f.Stat()
	if err != nil {
		return m, 0, fmt.Errorf("export: %w", err)
	}
	if err := f.Close(); err != nil {
		return m, 0, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return m, 0, fmt.Errorf("export: %w", err)
	}
	return m, st2.Size(), nil
}

// spool is the JSON lines files being written, one temporary file each.
type spool struct {
	dir   string
	files map[string]*os.File
	bufs  map[string]*bufio.Writer
}

func newSpool(dir string) (*spool, error) {
	sp := &spool{dir: dir, files: map[string]*os.File{}, bufs: map[string]*bufio.Writer{}}
	for _, name := range Files {
		f, err := os.Create(sp.path(name))
		if err != nil {
			sp.close()
			return nil, fmt.Errorf("export: %w", err)
		}
		sp.files[name] = f
		sp.bufs[name] = bufio.NewWriterSize(f, 64<<10)
	}
	return sp, nil
}

func (sp *spool) path(name string) string { return filepath.Join(sp.dir, name+".jsonl") }

func (sp *spool) write(name string, rows []store.ExportRow, counts map[string]int64) error {
	b := sp.bufs[name]
	for _, r := range rows {
		b.Write(r.JSON)
		if err := b.WriteByte('\n'); err != nil {
			return fmt.Errorf("export: %s: %w", name, err)
		}
	}
	counts[name] += int64(len(rows))
	return nil
}

func (sp *spool) flush() error {
	for _, name := range Files {
		if err := sp.bufs[name].Flush(); err != nil {
			return fmt.Errorf("export: %s: %w", name, err)
		}
	}
	return nil
}

func (sp *spool) close() {
	for _, f := range sp.files {
		f.Close()
	}
}

// fill reads every set into the spool and returns the last message id
// written: the attachments and raw mail are those of messages up to it.
func (sp *spool) fill(ctx context.Context, st *store.Store, opt Archive, counts map[string]int64) (int64, error) {
	f := store.ExportFilter{Inbox: opt.Inbox}
	// A set read whole, a page at a time.
	whole := func(name string) error {
		for after := int64(0); ; {
			if err := ctx.Err(); err != nil {
				return err
			}
			rows, err := st.ExportPage(ctx, name, f, after, opt.PageSize)
			if err != nil {
				return err
			}
			if err := sp.write(name, rows, counts); err != nil {
				return err
			}
			if len(rows) < opt.PageSize {
				return nil
			}
			after = rows[len(rows)-1].ID
		}
	}
	for _, name := range []string{"inboxes", "channels", "users", "teams", "pipelines", "companies", "contacts"} {
		if err := whole(name); err != nil {
			return 0, err
		}
	}
	total, err := st.ExportCount(ctx, opt.Inbox)
	if err != nil {
		return 0, err
	}
	var done, lastMessage int64
	if opt.Progress != nil {
		if err := opt.Progress(0, total); err != nil {
			return 0, err
		}
	}
	// Conversations a page at a time, with their messages and events.
	for after := int64(0); ; {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		convs, err := st.ExportPage(ctx, "conversations", f, after, opt.PageSize)
		if err != nil {
			return 0, err
		}
		if err := sp.write("conversations", convs, counts); err != nil {
			return 0, err
		}
		ids := make([]int64, len(convs))
		for i, c := range convs {
			ids[i] = c.ID
		}
		for _, name := range []string{"messages", "events"} {
			for after := int64(0); ; {
				rows, err := st.ExportPage(ctx, name, store.ExportFilter{Conversations: ids}, after, opt.PageSize)
				if err != nil {
					return 0, err
				}
				if err := sp.write(name, rows, counts); err != nil {
					return 0, err
				}
				if name == "messages" {
					for _, r := range rows {
						lastMessage = max(lastMessage, r.ID)
					}
				}
				if len(rows) < opt.PageSize {
					break
				}
				after = rows[len(rows)-1].ID
			}
		}
		done += int64(len(convs))
		if opt.Progress != nil {
			if err := opt.Progress(done, max(total, done)); err != nil {
				return 0, err
			}
		}
		if len(convs) < opt.PageSize {
			break
		}
		after = convs[len(convs)-1].ID
	}
	for _, name := range []string{"tickets", "deals"} {
		if err := whole(name); err != nil {
			return 0, err
		}
	}
	return lastMessage, nil
}

func add(tw *tar.Writer, name string, size int64, at time.Time, r io.Reader) error {
	h := &tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: at, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("export: %s: %w", name, err)
	}
	if n, err := io.Copy(tw, r); err != nil {
		return fmt.Errorf("export: %s: %w", name, err)
	} else if n != size {
		return fmt.Errorf("export: %s: %d bytes, want %d", name, n, size)
	}
	return nil
}

func addFile(tw *tar.Writer, name, path string, at time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return add(tw, name, st.Size(), at, f)
}

// addBlob adds one attachment; one erased since it was listed is passed
// over.
func addBlob(tw *tar.Writer, blobs *blob.Dir, key string, at time.Time) error {
	r, err := blobs.Open(key)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: blob %s: %w", key, err)
	}
	defer r.Close()
	f, ok := r.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return errors.New("export: blob " + key + ": its size is unknown")
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("export: blob %s: %w", key, err)
	}
	return add(tw, AttachmentPrefix+key, st.Size(), at, r)
}

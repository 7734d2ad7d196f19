package export_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// world is two inboxes whose customers wrote by email, each message with
// an attachment and its raw mail kept.
type world struct {
	t       *testing.T
	s       *store.Store
	blobs   *blob.Dir
	clock   *storetest.Clock
	conv    *conversation.Service
	support *parley.Inbox
	sales   *parley.Inbox
	admin   parley.Actor
	agent   parley.Actor
	viewer  parley.Actor
	// convs are the conversations of each inbox, by inbox id.
	convs map[parley.ID][]parley.ID
}

func newWorld(t *testing.T, s *store.Store) *world {
	f := storetest.NewFixtures(t, s)
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, s: s, blobs: blobs, clock: storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)),
		convs: map[parley.ID][]parley.ID{}}
	w.admin = parley.UserActor(f.User("root", parley.RoleAdmin))
	w.agent = parley.UserActor(f.User("ana", parley.RoleAgent))
	w.viewer = parley.UserActor(f.User("vic", parley.RoleViewer))
	w.conv = conversation.New(s, conversation.Options{Now: w.clock.Now, MailDomain: "parley.test", Blobs: blobs})
	w.support, w.sales = f.Inbox("support"), f.Inbox("sales")
	for _, in := range []*parley.Inbox{w.support, w.sales} {
		ch := f.Channel(in, parley.ChannelEmail)
		for i := range 3 {
			w.mail(ch, fmt.Sprintf("%s-customer%d@example.com", in.Name, i), fmt.Sprintf("%s question %d", in.Name, i),
				fmt.Sprintf("%s-attachment-%d", in.Name, i))
		}
	}
	w.crm(f)
	return w
}

// crm adds what is kept beside conversations: a team, pipelines, a
// company for support's first customer, a ticket linked to support's
// first conversation and a deal to sales' first.
func (w *world) crm(f *storetest.Fixtures) {
	w.t.Helper()
	ctx := context.Background()
	f.Team("Tier2", f.User("tia", parley.RoleAgent))
	at := parley.Normalize(w.clock.Now())
	err := w.s.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.Conversation(ctx, w.convs[w.support.ID][0])
		if err != nil {
			return err
		}
		k, err := tx.Contact(ctx, *first.ContactID)
		if err != nil {
			return err
		}
		co := &parley.Company{Name: "support Widgets Ltd", Domain: "example.com", CreatedAt: at}
		if err := tx.CreateCompany(ctx, co); err != nil {
			return err
		}
		k.CompanyID = &co.ID
		if err := tx.UpdateContact(ctx, k); err != nil {
			return err
		}
		for _, kind := range []parley.PipelineKind{parley.PipelineTickets, parley.PipelineDeals} {
			p := &parley.Pipeline{Kind: kind, Name: "Main", CreatedAt: at, Stages: []parley.Stage{{Name: "New"}, {Name: "Done", Closed: true}}}
			if err := tx.CreatePipeline(ctx, p); err != nil {
				return err
			}
			if kind == parley.PipelineTickets {
				err = tx.CreateTicket(ctx, &parley.Ticket{Subject: "support ticket", PipelineID: p.ID, StageID: p.Stages[0].ID, Status: parley.StatusOpen,
					Priority: "normal", ContactID: first.ContactID, CompanyID: &co.ID, ConversationIDs: []parley.ID{first.ID}, CreatedAt: at, UpdatedAt: at})
			} else {
				sale, serr := tx.Conversation(ctx, w.convs[w.sales.ID][0])
				if serr != nil {
					return serr
				}
				err = tx.CreateDeal(ctx, &parley.Deal{Name: "sales deal", Amount: "1200", Currency: "EUR", PipelineID: p.ID, StageID: p.Stages[0].ID,
					Status: parley.StatusOpen, ContactIDs: []parley.ID{*sale.ContactID}, ConversationIDs: []parley.ID{sale.ID}, CreatedAt: at, UpdatedAt: at})
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// mail receives an email with an attachment from from.
func (w *world) mail(ch *parley.Channel, from, text, attachment string) {
	w.t.Helper()
	raw := "From: Customer <" + from + ">\r\nTo: help@parley.test\r\nSubject: " + text + "\r\n" +
		"Message-ID: <" + strings.ReplaceAll(text, " ", ".") + "@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + " <&>\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"" + attachment + ".pdf\"\r\n\r\n" +
		"%PDF " + attachment + "\r\n--b--\r\n"
	r, err := w.conv.ReceiveEmail(context.Background(), parley.System, conversation.Email{ChannelID: ch.ID, Raw: []byte(raw), Source: "test"})
	if err != nil {
		w.t.Fatal(err)
	}
	if !slices.Contains(w.convs[ch.InboxID], r.ConversationID) {
		w.convs[ch.InboxID] = append(w.convs[ch.InboxID], r.ConversationID)
	}
	w.clock.Advance(time.Second)
}

// archive is an export read back.
type archive struct {
	names    []string // in order
	manifest export.Manifest
	lines    map[string][]map[string]any
	files    map[string][]byte // attachments/ and raw/
	raw      []byte            // the whole archive, uncompressed
}

func readArchive(t *testing.T, r io.Reader) *archive {
	t.Helper()
	entries, err := export.Read(r)
	if err != nil {
		t.Fatal(err)
	}
	a := &archive{lines: map[string][]map[string]any{}, files: map[string][]byte{}}
	for _, h := range entries {
		b := h.Data
		a.names = append(a.names, h.Name)
		a.raw = append(a.raw, b...)
		switch {
		case h.Name == export.ManifestName:
			if err := json.Unmarshal(b, &a.manifest); err != nil {
				t.Fatal(err)
			}
		case strings.HasSuffix(h.Name, ".jsonl"):
			name := strings.TrimSuffix(h.Name, ".jsonl")
			a.lines[name] = []map[string]any{}
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var v map[string]any
				if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
					t.Fatalf("%s: %q: %v", h.Name, sc.Text(), err)
				}
				a.lines[name] = append(a.lines[name], v)
			}
		default:
			a.files[h.Name] = b
		}
	}
	if len(a.names) == 0 || a.names[0] != export.ManifestName {
		t.Fatalf("the archive's entries are %v: the manifest is not first", a.names)
	}
	for _, f := range export.Files {
		if got, want := int64(len(a.lines[f])), a.manifest.Counts[f]; got != want {
			t.Errorf("%s.jsonl has %d lines, the manifest says %d", f, got, want)
		}
	}
	return a
}

func ids(rows []map[string]any, key string) []parley.ID {
	var out []parley.ID
	for _, r := range rows {
		if v, ok := r[key].(float64); ok {
			out = append(out, parley.ID(v))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestArchive exports one inbox, then everything, and finds in each
// exactly what belongs: the inbox's conversations, their messages,
// timelines, contacts, attachments (each under its key) and raw mail —
// and nothing of the other inbox — with every line parsing.
func TestArchive(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		for _, tc := range []struct {
			name    string
			inbox   *parley.Inbox
			want    []parley.ID // conversations
			absent  string      // a word of what must not be there
			inboxes int
			// companies, tickets and deals
			companies, tickets, deals int
		}{
			{name: "support", inbox: w.support, want: w.convs[w.support.ID], absent: "sales", inboxes: 1, companies: 1, tickets: 1},
			{name: "sales", inbox: w.sales, want: w.convs[w.sales.ID], absent: "support", inboxes: 1, deals: 1},
			{name: "everything", want: slices.Concat(w.convs[w.support.ID], w.convs[w.sales.ID]), inboxes: 2, companies: 1, tickets: 1, deals: 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				opt := export.Archive{Now: w.clock.Now, Version: "test", TempDir: t.TempDir(), PageSize: 2}
				if tc.inbox != nil {
					opt.Inbox, opt.InboxName = &tc.inbox.ID, tc.inbox.Name
				}
				var progress [][2]int64
				opt.Progress = func(done, total int64) error { progress = append(progress, [2]int64{done, total}); return nil }
				var buf bytes.Buffer
				m, err := export.Write(ctx, &buf, s, w.blobs, opt)
				if err != nil {
					t.Fatal(err)
				}
				a := readArchive(t, &buf)
				if a.manifest.Format != export.Format || !a.manifest.Created.Equal(parley.Normalize(w.clock.Now())) || m.Counts["conversations"] != int64(len(tc.want)) {
					t.Errorf("manifest %+v", a.manifest)
				}
				if (tc.inbox == nil) != (a.manifest.Inbox == nil) || tc.inbox != nil && a.manifest.Inbox.ID != tc.inbox.ID {
					t.Errorf("manifest inbox %+v", a.manifest.Inbox)
				}
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if got := ids(a.lines["conversations"], "id"); !slices.Equal(got, want) {
					t.Errorf("conversations %v, want %v", got, want)
				}
				if got := len(a.lines["inboxes"]); got != tc.inboxes {
					t.Errorf("%d inboxes", got)
				}
				if last := progress[len(progress)-1]; last != [2]int64{int64(len(want)), int64(len(want))} || len(progress) < 3 {
					t.Errorf("progress %v", progress)
				}
				// One message each, with its attachment and raw mail.
				msgs := a.lines["messages"]
				if got := ids(msgs, "conversation_id"); !slices.Equal(got, want) || len(msgs) != len(want) {
					t.Errorf("messages' conversations %v, want %v", got, want)
				}
				keys := map[string]bool{}
				for _, m := range msgs {
					if !strings.Contains(m["text"].(string), "question") || !strings.Contains(m["text"].(string), "<&>") {
						t.Errorf("message text %q", m["text"])
					}
					if m["email"] == nil || m["raw_mail"] != true {
						t.Errorf("message %v: no email or raw mail", m["id"])
					}
					atts := m["attachments"].([]any)
					if len(atts) != 1 {
						t.Fatalf("message %v has attachments %v", m["id"], atts)
					}
					att := atts[0].(map[string]any)
					keys[att["key"].(string)] = true
					body := a.files[export.AttachmentPrefix+att["key"].(string)]
					if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != att["key"] || !strings.HasPrefix(string(body), "%PDF") {
						t.Errorf("attachment %v: %q does not match its key", att["name"], body)
					}
					raw := a.files[fmt.Sprintf("%s%d.eml", export.RawPrefix, int64(m["id"].(float64)))]
					if !bytes.Contains(raw, []byte("Message-ID:")) {
						t.Errorf("message %v: raw mail %q", m["id"], raw)
					}
				}
				var attachments, raws int
				for name := range a.files {
					if strings.HasPrefix(name, export.AttachmentPrefix) {
						attachments++
					} else if strings.HasPrefix(name, export.RawPrefix) {
						raws++
					}
				}
				if attachments != len(keys) || int64(attachments) != a.manifest.Attachments || raws != len(msgs) || int64(raws) != a.manifest.RawMail {
					t.Errorf("%d attachments, %d raw mails in the archive; %d keys, %d messages; manifest %+v", attachments, raws, len(keys), len(msgs), a.manifest)
				}
				if got := ids(a.lines["events"], "conversation_id"); !slices.Equal(got, want) {
					t.Errorf("events' conversations %v, want %v", got, want)
				}
				for _, e := range a.lines["events"] {
					if _, ok := e["data"].(map[string]any); !ok {
						t.Errorf("event data %v is not an object", e["data"])
					}
				}
				contacts := a.lines["contacts"]
				if len(contacts) != len(want) {
					t.Errorf("%d contacts, want %d", len(contacts), len(want))
				}
				for _, c := range contacts {
					emails := c["emails"].([]any)
					if len(emails) != 1 || tc.inbox != nil && !strings.HasPrefix(emails[0].(string), tc.inbox.Name+"-") {
						t.Errorf("contact %v's emails %v", c["id"], emails)
					}
				}
				if len(a.lines["companies"]) != tc.companies || len(a.lines["tickets"]) != tc.tickets || len(a.lines["deals"]) != tc.deals {
					t.Errorf("%d companies, %d tickets, %d deals", len(a.lines["companies"]), len(a.lines["tickets"]), len(a.lines["deals"]))
				}
				for _, tk := range a.lines["tickets"] {
					if got := ids([]map[string]any{{"id": tk["conversation_ids"].([]any)[0]}}, "id"); len(got) != 1 || got[0] != w.convs[w.support.ID][0] {
						t.Errorf("ticket %v", tk)
					}
				}
				for _, d := range a.lines["deals"] {
					if len(d["conversation_ids"].([]any)) != 1 || len(d["contact_ids"].([]any)) != 1 || d["amount"] != "1200" {
						t.Errorf("deal %v", d)
					}
				}
				if len(a.lines["pipelines"]) != 2 || len(a.lines["pipelines"][0]["stages"].([]any)) != 2 {
					t.Errorf("pipelines %v", a.lines["pipelines"])
				}
				if len(a.lines["teams"]) != 1 || len(a.lines["teams"][0]["member_ids"].([]any)) != 1 {
					t.Errorf("teams %v", a.lines["teams"])
				}
				for _, u := range a.lines["users"] {
					if _, ok := u["password_hash"]; ok || len(u) == 0 {
						t.Errorf("user %v", u)
					}
				}
				if tc.absent != "" && bytes.Contains(a.raw, []byte(tc.absent)) {
					t.Errorf("the archive holds %q", tc.absent)
				}
				if bytes.Contains(a.raw, []byte("argon2")) || bytes.Contains(a.raw, []byte("password")) {
					t.Error("the archive holds a password hash")
				}
			})
		}
	})
}

// TestWriteFile writes through a temporary file renamed once whole, and
// leaves nothing behind when the export stops part way.
func TestWriteFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		dir := t.TempDir()
		path := filepath.Join(dir, "out.tar.gz")
		stop := fmt.Errorf("stopped")
		_, _, err := export.WriteFile(context.Background(), path, s, w.blobs, export.Archive{Now: w.clock.Now, PageSize: 1,
			Progress: func(done, total int64) error {
				if done == 2 {
					return stop
				}
				return nil
			}})
		if err != stop {
			t.Fatalf("err %v", err)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
		_, size, err := export.WriteFile(context.Background(), path, s, w.blobs, export.Archive{Now: w.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		if st.Size() != size {
			t.Errorf("size %d, file %d", size, st.Size())
		}
		if a := readArchive(t, f); len(a.lines["conversations"]) != 6 {
			t.Errorf("%d conversations", len(a.lines["conversations"]))
		}
		if left, _ := os.ReadDir(dir); len(left) != 1 {
			t.Fatalf("in the directory: %v", left)
		}
	})
}

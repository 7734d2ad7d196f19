package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// LiveWindow is how long after its last sign of life a person counts as
// having the app open: their streams refresh it every LiveEvery.
const (
	LiveEvery  = time.Minute
	LiveWindow = 2 * LiveEvery
)

type mailJob struct {
	UserID         parley.ID `json:"user_id"`
	ConversationID parley.ID `json:"conversation_id"`
}

// MailJob is the handler of JobMail: when its person does not have the app
// open, it writes them one email, in their language, of what happened in
// the conversation since the last (unread notifications not yet mailed),
// with a link that opens it, and sends it with the system mail.
func MailJob(s *store.Store, baseURL string, now func() time.Time) jobs.Handler {
	if now == nil {
		now = time.Now
	}
	return jobs.Handler{Run: func(ctx context.Context, j *store.Job) error {
		var p mailJob
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return jobs.Permanent(fmt.Errorf("notify mail: payload %s", j.Payload))
		}
		at := parley.Normalize(now())
		return s.InTx(ctx, func(tx *store.Tx) error {
			ns, err := tx.TakeMail(ctx, p.UserID, p.ConversationID)
			if err != nil || len(ns) == 0 {
				return err
			}
			muted, err := tx.Muted(ctx, p.UserID)
			if err != nil {
				return err
			}
			ns = slices.DeleteFunc(ns, func(n store.Notification) bool { return muted[n.Kind+"/"+MediumEmail] })
			if len(ns) == 0 {
				return nil
			}
			live, err := tx.LiveSince(ctx, p.UserID, at.Add(-LiveWindow))
			if err != nil || live {
				return err // seen in the app
			}
			u, err := tx.User(ctx, p.UserID)
			if err != nil || !u.Active() {
				return err
			}
			c, err := tx.Conversation(ctx, p.ConversationID)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
			lines := make([]string, len(ns))
			ids := make([]parley.ID, len(ns))
			for i, n := range ns {
				name := "Parley"
				if n.ActorKind == parley.ActorUser && n.ActorID != nil {
					if a, err := tx.User(ctx, *n.ActorID); err == nil {
						name = a.Name
					}
				}
				lines[i], ids[i] = "- "+line(u.Locale, n.Kind, name), n.ID
			}
			link := baseURL + "/inbox/all/all/c/" + strconv.FormatInt(int64(c.ID), 10)
			subject := c.Subject
			if subject == "" {
				subject = "#" + strconv.FormatInt(int64(c.ID), 10)
			}
			mail := write("digest", u.Locale, map[string]string{"name": u.Name, "subject": subject,
				"what": strings.Join(lines, "\n"), "link": link})
			payload, _ := json.Marshal(map[string]string{"to": u.Email, "subject": mail.Subject, "text": mail.Text})
			if err := tx.Enqueue(ctx, &store.Job{Kind: jobs.KindSystemMail, Payload: payload, RunAt: at, MaxAttempts: 6, CreatedAt: at}); err != nil {
				return err
			}
			return tx.MarkMailed(ctx, ids, at)
		})
	}}
}

// line says one notification in a sentence.
func line(locale, kind, actor string) string {
	key := "line_" + kind
	if kind == KindAssigned && actor == "Parley" {
		key = "line_routed"
	}
	return write(key, locale, map[string]string{"name": actor}).Text
}

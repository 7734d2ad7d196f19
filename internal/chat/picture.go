package chat

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Picture is a chat flow's own picture (SPEC CHT-5, CHT-8): shown beside a
// heading of the flow's own name, and on the launcher. It is set and
// removed on its own (SetPicture), never by saving the flow.
type Picture struct {
	URL  string `json:"url" doc:"Its address as the widget shows it (signed; it changes with the picture)."`
	Blob string `json:"blob" doc:"The stored file."`
	Type string `json:"type" doc:"image/png, image/jpeg, image/gif or image/webp."`
}

// signPicture signs the address of a flow's picture: the picture itself is
// in the signature, so a new one has a new address (and no stale cache).
func (ids *Identities) signPicture(flow parley.ID, blob string) string {
	m := hmac.New(sha256.New, ids.key)
	m.Write([]byte("flow-picture:" + strconv.FormatInt(int64(flow), 10) + ":" + blob))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:32]
}

// pictureURL fills f's picture's signed address.
func (s *Service) pictureURL(f *Flow) {
	if f.Picture != nil {
		f.Picture.URL = fmt.Sprintf("/widget/v1/flows/%d/picture/%s", f.ID, s.ids.signPicture(f.ID, f.Picture.Blob))
	}
}

// SetPicture gives a flow the picture in data (nil removes it) and
// returns the flow (admins).
func (s *Service) SetPicture(ctx context.Context, a parley.Actor, inboxID, id parley.ID, data []byte) (*Flow, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	var blob, typ string
	if data != nil {
		var err error
		if typ, err = org.PictureType(data); err != nil {
			return nil, err
		}
		if s.blobs == nil {
			return nil, parley.Errorf(parley.EUNAVAILABLE, "pictures are not available on this server")
		}
		if blob, err = s.blobs.Put(data); err != nil {
			return nil, err
		}
	}
	var f Flow
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		stored, err := tx.ChatFlow(ctx, id)
		if err != nil || stored.InboxID != inboxID {
			return parley.NotFound("chat flow")
		}
		if err := json.Unmarshal([]byte(stored.Settings), &f); err != nil {
			return err
		}
		f.Picture = nil
		if blob != "" {
			f.Picture = &Picture{Blob: blob, Type: typ}
		}
		f.ID = 0
		raw, err := json.Marshal(f)
		if err != nil {
			return err
		}
		stored.Settings = string(raw)
		if err := tx.UpdateChatFlow(ctx, stored); err != nil {
			return err
		}
		f.ID = id
		tx.Append(flowEvent(a, inboxID, id, "updated"))
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.pictureURL(&f)
	return &f, nil
}

// FlowPicture returns the picture a signed address names — its stored file
// and type — or ENOTFOUND.
func (s *Service) FlowPicture(ctx context.Context, id parley.ID, sig string) (*Picture, error) {
	stored, err := s.store.ChatFlow(ctx, id)
	if err != nil {
		return nil, parley.NotFound("picture")
	}
	var f Flow
	if err := json.Unmarshal([]byte(stored.Settings), &f); err != nil || f.Picture == nil ||
		!hmac.Equal([]byte(sig), []byte(s.ids.signPicture(id, f.Picture.Blob))) {
		return nil, parley.NotFound("picture")
	}
	return f.Picture, nil
}

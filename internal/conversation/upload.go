package conversation

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// maxAttachments bounds the files of one message.
const maxAttachments = 20

// Upload keeps a file a user will attach to a reply or new email; until
// then it is theirs alone. The size limit is the caller's (the HTTP body
// limit).
func (s *Service) Upload(ctx context.Context, a parley.Actor, name, contentType string, data []byte) (*parley.Attachment, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only people upload files")
	}
	name, contentType, err := parley.File(name, contentType, data)
	if err != nil {
		return nil, err
	}
	key, err := s.blobs.Put(data)
	if err != nil {
		return nil, err
	}
	u := &parley.Attachment{Name: name, ContentType: contentType, Size: int64(len(data)), Blob: key, CreatedAt: s.clock()}
	err = s.store.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUpload(ctx, a.UserID, u) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

// attach makes the author's uploads the attachments of m.
func attach(ctx context.Context, tx *store.Tx, a parley.Actor, m *parley.Message, uploads []parley.ID) error {
	if len(uploads) > maxAttachments {
		return parley.Invalid("attachments", "has more than %d files", maxAttachments)
	}
	for i, id := range uploads {
		u, err := tx.TakeUpload(ctx, a.UserID, id)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return parley.Invalid(fmt.Sprintf("attachments[%d]", i), "is not one of your uploads")
		}
		if err != nil {
			return err
		}
		att := &parley.Attachment{MessageID: m.ID, Name: u.Name, ContentType: u.ContentType, Size: u.Size, Blob: u.Blob, CreatedAt: m.CreatedAt}
		if err := tx.CreateAttachment(ctx, att); err != nil {
			return err
		}
	}
	return nil
}

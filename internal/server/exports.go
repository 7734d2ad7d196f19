package server

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/parley"
)

// Exports (issue 18, SPEC PLT-3): admins ask for everything, or one inbox,
// as an archive of JSON lines and attachments; serve's runner writes it
// with its progress; it is downloaded when ready and deleted after 7 days.

type exportJSON struct {
	ID          parley.ID  `json:"id"`
	Everything  bool       `json:"everything" doc:"Everything, or only the inbox inbox_id names."`
	InboxID     *parley.ID `json:"inbox_id" doc:"The inbox exported; null for everything, or an inbox deleted since."`
	InboxName   string     `json:"inbox_name" doc:"The inbox's name when it was exported."`
	State       string     `json:"state" enum:"queued,running,ready,failed"`
	Done        int64      `json:"done" doc:"Conversations written."`
	Total       int64      `json:"total" doc:"Conversations to write; 0 until it starts."`
	Size        int64      `json:"size" doc:"The archive's bytes, once ready."`
	Error       string     `json:"error" doc:"Why it failed: failed, interrupted (its node stopped three times) or inbox_deleted."`
	CreatedBy   *parley.ID `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	FinishedAt  *time.Time `json:"finished_at"`
	ExpiresAt   *time.Time `json:"expires_at" doc:"When a finished export is deleted."`
	DownloadURL string     `json:"download_url,omitempty" doc:"Set once ready."`
}

// exportKeep is how long a finished export is kept (export.Options.Keep's
// default, which serve uses).
const exportKeep = 7 * 24 * time.Hour

func exportView(e *export.Export) exportJSON {
	out := exportJSON{ID: e.ID, Everything: e.Everything, InboxID: e.InboxID, InboxName: e.InboxName, State: e.State,
		Done: e.Done, Total: e.Total, Size: e.Size, Error: e.Error, CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt, FinishedAt: e.FinishedAt}
	if e.FinishedAt != nil {
		at := e.FinishedAt.Add(exportKeep)
		out.ExpiresAt = &at
	}
	if e.State == export.Ready {
		out.DownloadURL = "/api/v1/exports/" + strconv.FormatInt(int64(e.ID), 10) + "/download"
	}
	return out
}

func (s *Server) listExports(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[exportJSON]], error) {
	es, err := s.exports.Exports(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]exportJSON, len(es))
	for i := range es {
		out[i] = exportView(&es[i])
	}
	return list(out), nil
}

type createExportInput struct {
	Body struct {
		InboxID *parley.ID `json:"inbox_id,omitempty" doc:"Export this inbox only: its conversations, their messages, timelines and attachments, their contacts and companies, its tickets and deals. Absent: everything."`
	}
}

func (s *Server) createExport(ctx context.Context, a parley.Actor, in *createExportInput) (*body[exportJSON], error) {
	e, err := s.exports.Start(ctx, a, in.Body.InboxID)
	if err != nil {
		return nil, err
	}
	return &body[exportJSON]{exportView(e)}, nil
}

func (s *Server) getExport(ctx context.Context, a parley.Actor, in *idInput) (*body[exportJSON], error) {
	e, err := s.exports.Export(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[exportJSON]{exportView(e)}, nil
}

func (s *Server) deleteExport(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.exports.Delete(ctx, a, in.ID)
}

// downloadExport streams a ready export's archive (admins).
func (s *Server) downloadExport(ctx context.Context, a parley.Actor, in *idInput) (*huma.StreamResponse, error) {
	e, f, err := s.exports.Download(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		defer f.Close()
		hc.SetHeader("Content-Type", "application/gzip")
		hc.SetHeader("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": export.FileName(e)}))
		hc.SetHeader("Content-Length", strconv.FormatInt(e.Size, 10))
		hc.SetHeader("X-Content-Type-Options", "nosniff")
		hc.SetHeader("Cache-Control", "no-store")
		hc.SetStatus(http.StatusOK)
		if _, err := io.Copy(hc.BodyWriter(), f); err != nil {
			s.log.Warn("export download", "export", e.ID, "err", err)
		}
	}}, nil
}

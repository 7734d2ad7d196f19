package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/parley"
)

// NewError is huma's documented hook for its error responses, set once at
// start-up, to keep two promises of the API:
//   - malformed input is 400 naming the field; huma says 422 for schema
//     violations (unknown fields, wrong types);
//   - an error never echoes the input back: huma puts the offending value,
//     up to the whole body, in each detail, which could reflect a password
//     or megabytes of text.
func init() {
	base := huma.NewError
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		if status == http.StatusUnprocessableEntity {
			status = http.StatusBadRequest
		}
		se := base(status, msg, errs...)
		if m, ok := se.(*huma.ErrorModel); ok {
			for _, d := range m.Errors {
				if d != nil {
					d.Value = nil
				}
			}
		}
		return se
	}
}

// statusOf maps an error code to an HTTP status: the one place that does.
func statusOf(code string) int {
	switch code {
	case parley.EINVALID:
		return http.StatusBadRequest
	case parley.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case parley.EFORBIDDEN:
		return http.StatusForbidden
	case parley.ENOTFOUND:
		return http.StatusNotFound
	case parley.ECONFLICT:
		return http.StatusConflict
	case parley.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case parley.ERATELIMIT:
		return http.StatusTooManyRequests
	case parley.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// problem turns a domain error into an RFC 9457 problem. Internal errors are
// logged and answered with a generic message.
func (s *Server) problem(err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	code := parley.ErrorCode(err)
	status := statusOf(code)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "err", err)
		return huma.NewError(status, "internal error")
	}
	var details []error
	if f := parley.ErrorField(err); f != "" {
		details = append(details, &huma.ErrorDetail{Location: "body." + f, Message: parley.ErrorMessage(err)})
	}
	out := huma.NewError(status, parley.ErrorMessage(err), details...)
	if m, ok := out.(*huma.ErrorModel); ok {
		m.Type = problemType(parley.ErrorReason(err))
	}
	if wait := parley.ErrorWait(err); wait > 0 {
		return retryAfter(out, wait)
	}
	return out
}

// problemType is the RFC 9457 type of a problem: a URN naming its reason,
// from which the apps choose what to say (the detail stays in English, for
// logs and the curious).
func problemType(reason string) string {
	if reason == "" {
		return ""
	}
	return "urn:parley:problem:" + reason
}

// retryAfter adds a Retry-After header to a 429.
func retryAfter(err error, wait time.Duration) error {
	return huma.ErrorWithHeaders(err, http.Header{"Retry-After": {retrySeconds(wait)}})
}

// retrySeconds is a Retry-After value: whole seconds, at least one.
func retrySeconds(wait time.Duration) string {
	return strconv.Itoa(max(1, int(wait.Round(time.Second)/time.Second)))
}

func logAttrs(r *http.Request) []any {
	return []any{slog.String("method", r.Method), slog.String("path", r.URL.Path)}
}

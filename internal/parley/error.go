// Package parley is the domain language of Parley: identifiers, the objects a
// shared inbox works with, their statuses, the error vocabulary and the actor
// carried in a context. It imports nothing internal.
package parley

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Every error that crosses a package boundary carries one of
// these; the HTTP layer maps them to status codes in one function.
const (
	ECONFLICT     = "conflict"     // the action conflicts with the current state
	EINTERNAL     = "internal"     // a bug or an unavailable dependency
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // the object does not exist or may not be seen
	EFORBIDDEN    = "forbidden"    // the actor may see it but not do this
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	ERATELIMIT    = "rate_limited" // too many attempts; try later
	ETOOLARGE     = "too_large"    // the input is over a size limit
	EUNAVAILABLE  = "unavailable"  // a dependency is down; retry later
)

// Error is a domain error: a code for machines and a message for people. The
// message is safe to show to the client; internal details stay in wrapped
// errors and logs.
type Error struct {
	Code    string
	Message string
	// Field names the offending input, when there is one.
	Field string
	// Reason names this error for the apps that show it to people, which
	// say it in their language (SPEC PLT-6): a stable word such as
	// "no_contact". Empty for errors a person is not expected to meet; the
	// apps then speak from the code.
	Reason string
	// Wait, when set, is how long until the same request may succeed:
	// the API says it as Retry-After.
	Wait time.Duration
}

// ErrorWait returns the Wait of the first *Error in err's chain, 0 for
// any other.
func ErrorWait(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.Wait
	}
	return 0
}

// Because returns a copy of e with its reason set.
func (e *Error) Because(reason string) *Error {
	c := *e
	c.Reason = reason
	return &c
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("parley %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("parley %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ENOTFOUND error for a kind of object.
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Message: kind + " not found"}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err: the *Error's message,
// or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorReason returns the reason of err's *Error, if any.
func ErrorReason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// ErrorField returns the field named by err's *Error, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

package auth

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// How a person proved who they are, as the audit log says it.
const (
	MethodPassword  = "password"
	MethodTwoFactor = "two_factor" // a password, then a code
	MethodLink      = "link"       // a one-time sign-in link
	MethodSSO       = "sso"
)

// auditSignIn records in tx that userID signed in from device.
func auditSignIn(ctx context.Context, tx *store.Tx, userID parley.ID, device store.Device, at time.Time) error {
	if device.Method == "" {
		device.Method = MethodPassword
	}
	after, _ := json.Marshal(map[string]string{"method": device.Method, "user_agent": device.UserAgent})
	id := userID
	return tx.AppendAudit(ctx, &parley.AuditEntry{At: at, Action: parley.AuditSignedIn, ActorKind: parley.ActorUser,
		ActorID: &id, Address: device.Address, SubjectKind: "user", SubjectID: &id, After: after})
}

// SignInFailed records a failed sign-in as email (as typed; "" when none
// was) by method, for a reason (wrong_credentials, deactivated,
// code_wrong, link_invalid, sso_…), about the user userID when it is known
// (a wrong second factor): the audit log keeps the failures beside the
// sign-ins.
func (s *Sessions) SignInFailed(ctx context.Context, email string, userID parley.ID, method, reason string) error {
	after, _ := json.Marshal(map[string]string{"method": method, "reason": reason})
	if len(email) > 320 {
		email = strings.ToValidUTF8(email[:320], "")
	}
	e := parley.AuditEntry{At: s.clock(), Action: parley.AuditSignInFailed, ActorKind: parley.ActorAnonymous,
		ActorName: email, After: after}
	if userID != 0 {
		e.SubjectKind, e.SubjectID = "user", &userID
	}
	return s.store.AppendAudit(ctx, &e)
}

package notify

import (
	"context"
	"slices"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Media a notification reaches a person by.
const (
	MediumApp     = "app"     // the bell, and a toast while the app is open
	MediumDesktop = "desktop" // the browser's notification while it is in the background
	MediumEmail   = "email"   // an email when they do not have the app open
)

// Kinds and Media list what a person chooses among, in order.
var (
	kinds = []string{KindAssigned, KindMessage, KindMention}
	media = []string{MediumApp, MediumDesktop, MediumEmail}
)

// Prefs says, by kind then medium, what reaches a person (SPEC COL-3:
// each user chooses per kind). Everything is on until turned off.
type Prefs map[string]map[string]bool

func prefsFrom(muted map[string]bool) Prefs {
	p := Prefs{}
	for _, k := range kinds {
		p[k] = map[string]bool{}
		for _, m := range media {
			p[k][m] = !muted[k+"/"+m]
		}
	}
	return p
}

// Prefs returns what reaches the actor.
func (n *Notifications) Prefs(ctx context.Context, a parley.Actor) (Prefs, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EFORBIDDEN, "notifications are a person's")
	}
	muted, err := n.store.Muted(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	return prefsFrom(muted), nil
}

// SetPrefs sets what reaches the actor; kinds and media left out stay on.
func (n *Notifications) SetPrefs(ctx context.Context, a parley.Actor, p Prefs) (Prefs, error) {
	if a.Kind != parley.ActorUser {
		return nil, parley.Errorf(parley.EFORBIDDEN, "notifications are a person's")
	}
	var muted []string
	for k, byMedium := range p {
		if !slices.Contains(kinds, k) {
			return nil, parley.Invalid(k, "is not a kind of notification: assigned, message or mention")
		}
		for m, on := range byMedium {
			if !slices.Contains(media, m) {
				return nil, parley.Invalid(k+"."+m, "is not a medium: app, desktop or email")
			}
			if !on {
				muted = append(muted, k+"/"+m)
			}
		}
	}
	slices.Sort(muted)
	if err := n.store.InTx(ctx, func(tx *store.Tx) error { return tx.SetMuted(ctx, a.UserID, muted) }); err != nil {
		return nil, err
	}
	return n.Prefs(ctx, a)
}

package present

import (
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// UserJSON is a user as the API shows them.
type UserJSON struct {
	ID               parley.ID           `json:"id"`
	Email            string              `json:"email"`
	Name             string              `json:"name"`
	Initials         string              `json:"initials"`
	Role             parley.Role         `json:"role" enum:"admin,agent,viewer"`
	Routable         bool                `json:"routable"`
	Availability     parley.Availability `json:"availability" enum:"available,away"`
	ReassignWhenAway bool                `json:"reassign_when_away"`
	HasPassword      bool                `json:"has_password"`
	MeetingLink      string              `json:"meeting_link" doc:"The user's booking page, inserted by the composer."`
	AvatarURL        *string             `json:"avatar_url" doc:"The user's picture; null when they have none."`
	Locale           string              `json:"locale" doc:"The language the user works in (en, fr); empty until their app says."`
	Active           bool                `json:"active" doc:"False once an admin deactivated the user: they cannot sign in or be assigned; their conversations stay."`
	DeactivatedAt    *time.Time          `json:"deactivated_at" nullable:"true"`
	CreatedAt        time.Time           `json:"created_at"`
	// OpenCount is shown to admins only.
	OpenCount *int `json:"open_count,omitempty" doc:"For admins: the open conversations the user owns."`
}

// User renders u.
func User(u *parley.User) UserJSON {
	v := UserJSON{ID: u.ID, Email: u.Email, Name: u.Name, Initials: Initials(u.Name), Role: u.Role, Routable: u.Routable,
		Availability: u.Availability, ReassignWhenAway: u.ReassignWhenAway, HasPassword: u.HasPassword, MeetingLink: u.MeetingLink, Locale: u.Locale,
		Active: u.Active(), DeactivatedAt: u.DeactivatedAt, CreatedAt: u.CreatedAt}
	if u.AvatarBlob != "" {
		// The blob's key in the address: a new picture is a new address, so
		// browsers may keep one for long.
		url := fmt.Sprintf("/api/v1/users/%d/avatar?v=%.12s", u.ID, u.AvatarBlob)
		v.AvatarURL = &url
	}
	return v
}

// Initials are what a list shows for a person: "Ana Lima" is "AL".
func Initials(name string) string {
	var out []rune
	start := true
	for _, r := range name {
		if r == ' ' || r == '-' {
			start = true
			continue
		}
		if start && len(out) < 2 {
			out = append(out, r)
		}
		start = false
	}
	return string(out)
}

// TeamJSON is a team as the API shows it.
type TeamJSON struct {
	ID        parley.ID   `json:"id"`
	Name      string      `json:"name"`
	UserIDs   []parley.ID `json:"user_ids"`
	CreatedAt time.Time   `json:"created_at"`
}

// Team renders t.
func Team(t *parley.Team) TeamJSON {
	return TeamJSON{ID: t.ID, Name: t.Name, UserIDs: nonNil(t.MemberIDs), CreatedAt: t.CreatedAt}
}

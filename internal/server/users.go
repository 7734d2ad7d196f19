package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

type idInput struct {
	ID parley.ID `path:"id"`
}

type listJSON[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor" nullable:"true"`
}

func list[T any](items []T) *body[listJSON[T]] {
	if items == nil {
		items = []T{}
	}
	return &body[listJSON[T]]{listJSON[T]{Items: items}}
}

func (s *Server) listUsers(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[present.UserJSON]], error) {
	users, err := s.org.Users(ctx, a)
	if err != nil {
		return nil, err
	}
	// Admins see everyone's load beside their availability.
	var open map[parley.ID]int
	if a.Role == parley.RoleAdmin {
		if open, err = s.org.OpenOwned(ctx, a); err != nil {
			return nil, err
		}
	}
	out := make([]present.UserJSON, len(users))
	for i := range users {
		out[i] = present.User(&users[i])
		if open != nil {
			n := open[users[i].ID]
			out[i].OpenCount = &n
		}
	}
	return list(out), nil
}

type createUserInput struct {
	Body struct {
		Email    string      `json:"email" maxLength:"320"`
		Name     string      `json:"name" maxLength:"100"`
		Role     parley.Role `json:"role" enum:"admin,agent,viewer"`
		Password string      `json:"password,omitempty" maxLength:"1024"`
		Routable *bool       `json:"routable,omitempty"`
	}
}

func (s *Server) createUser(ctx context.Context, a parley.Actor, in *createUserInput) (*body[present.UserJSON], error) {
	u, err := s.org.CreateUser(ctx, a, org.NewUser{Email: in.Body.Email, Name: in.Body.Name, Role: in.Body.Role,
		Password: in.Body.Password, Routable: in.Body.Routable})
	if err != nil {
		return nil, err
	}
	return &body[present.UserJSON]{present.User(u)}, nil
}

type updateUserInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Name     *string      `json:"name,omitempty" maxLength:"100"`
		Role     *parley.Role `json:"role,omitempty" enum:"admin,agent,viewer"`
		Routable *bool        `json:"routable,omitempty"`
		// MeetingLink is the user's own to set; "" removes it.
		MeetingLink *string `json:"meeting_link,omitempty" maxLength:"2000"`
		// Locale is the user's own to set: the mail Parley writes them, or
		// on their behalf, uses it.
		Locale *string `json:"locale,omitempty" enum:"en,fr"`
		// Active false deactivates the user (admins only): their sessions
		// and API tokens stop at once; their conversations stay.
		Active *bool `json:"active,omitempty" doc:"Admins only. false deactivates the user (a leaver): their sessions and API tokens stop at once, they cannot sign in or be assigned, their conversations stay. true reactivates them. The last active admin cannot be deactivated."`
	}
}

func (s *Server) updateUser(ctx context.Context, a parley.Actor, in *updateUserInput) (*body[present.UserJSON], error) {
	u, err := s.org.UpdateUser(ctx, a, in.ID, org.UserPatch{Name: in.Body.Name, Role: in.Body.Role, Routable: in.Body.Routable, MeetingLink: in.Body.MeetingLink,
		Locale: in.Body.Locale, Active: in.Body.Active})
	if err != nil {
		return nil, err
	}
	return &body[present.UserJSON]{present.User(u)}, nil
}

type availabilityInput struct {
	Body struct {
		Status           parley.Availability `json:"status" enum:"available,away"`
		ReassignWhenAway bool                `json:"reassign_when_away,omitempty"`
	}
}

func (s *Server) setAvailability(ctx context.Context, a parley.Actor, in *availabilityInput) (*body[present.UserJSON], error) {
	u, err := s.org.SetAvailability(ctx, a, in.Body.Status, in.Body.ReassignWhenAway)
	if err != nil {
		return nil, err
	}
	return &body[present.UserJSON]{present.User(u)}, nil
}

type tokenInput struct {
	Body struct {
		Name      string     `json:"name,omitempty" maxLength:"100"`
		ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"When it stops working; none: never."`
		ReadOnly  bool       `json:"read_only,omitempty" doc:"It may only read (GET): anything else is 403."`
	}
}

type tokenJSON struct {
	Token string `json:"token" doc:"The token, shown once. Send it as Authorization: Bearer <token>."`
	Name  string `json:"name"`
}

func (s *Server) createToken(ctx context.Context, a parley.Actor, in *tokenInput) (*body[tokenJSON], error) {
	token, err := s.org.CreateToken(ctx, a, a.UserID, org.NewAPIToken{Name: in.Body.Name, ExpiresAt: in.Body.ExpiresAt, ReadOnly: in.Body.ReadOnly})
	if err != nil {
		return nil, err
	}
	name := in.Body.Name
	if name == "" {
		name = "API token"
	}
	return &body[tokenJSON]{tokenJSON{Token: token, Name: name}}, nil
}

type tokenInfoJSON struct {
	ID        parley.ID  `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	ReadOnly  bool       `json:"read_only"`
}

func (s *Server) listTokens(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[tokenInfoJSON]], error) {
	tokens, err := s.org.Tokens(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]tokenInfoJSON, len(tokens))
	for i, t := range tokens {
		out[i] = tokenInfoJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, ReadOnly: t.ReadOnly}
	}
	return list(out), nil
}

func (s *Server) revokeToken(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.org.RevokeToken(ctx, a, in.ID)
}

func (s *Server) listTeams(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[present.TeamJSON]], error) {
	teams, err := s.org.Teams(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]present.TeamJSON, len(teams))
	for i := range teams {
		out[i] = present.Team(&teams[i])
	}
	return list(out), nil
}

type createTeamInput struct {
	Body struct {
		Name    string      `json:"name" maxLength:"100"`
		UserIDs []parley.ID `json:"user_ids,omitempty" maxItems:"1000"`
	}
}

func (s *Server) createTeam(ctx context.Context, a parley.Actor, in *createTeamInput) (*body[present.TeamJSON], error) {
	t, err := s.org.CreateTeam(ctx, a, in.Body.Name, in.Body.UserIDs)
	if err != nil {
		return nil, err
	}
	return &body[present.TeamJSON]{present.Team(t)}, nil
}

type teamMembersInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		UserIDs []parley.ID `json:"user_ids" maxItems:"1000"`
	}
}

func (s *Server) setTeamMembers(ctx context.Context, a parley.Actor, in *teamMembersInput) (*body[present.TeamJSON], error) {
	t, err := s.org.SetTeamMembers(ctx, a, in.ID, in.Body.UserIDs)
	if err != nil {
		return nil, err
	}
	return &body[present.TeamJSON]{present.Team(t)}, nil
}

type renameTeamInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Name string `json:"name" maxLength:"100"`
	}
}

func (s *Server) renameTeam(ctx context.Context, a parley.Actor, in *renameTeamInput) (*body[present.TeamJSON], error) {
	t, err := s.org.RenameTeam(ctx, a, in.ID, in.Body.Name)
	if err != nil {
		return nil, err
	}
	return &body[present.TeamJSON]{present.Team(t)}, nil
}

// deleteTeam removes a team; its members and their conversations stay.
func (s *Server) deleteTeam(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.org.DeleteTeam(ctx, a, in.ID)
}

type passwordInput struct {
	Body struct {
		CurrentPassword string `json:"current_password,omitempty" maxLength:"1024" doc:"Required when you have a password."`
		Password        string `json:"password" maxLength:"1024"`
	}
}

// changePassword sets the caller's own password and signs out the caller's
// other sessions. Checking the current password is a guess like a sign-in's,
// and counts with the account's sign-ins: a stolen session cannot be used
// to guess the password faster.
func (s *Server) changePassword(ctx context.Context, a parley.Actor, in *passwordInput) (*struct{}, error) {
	u, err := s.org.User(ctx, a, a.UserID)
	if err != nil {
		return nil, err
	}
	if ok, wait := s.logins.Try(u.Email); !ok {
		return nil, retryAfter(huma.NewError(http.StatusTooManyRequests, "too many wrong passwords; try again later"), wait)
	}
	cred, _ := ctx.Value(credentialKey{}).(credential)
	err = s.org.ChangePassword(ctx, a, in.Body.CurrentPassword, in.Body.Password, cred.cookie)
	if parley.ErrorField(err) != "current_password" {
		s.logins.Forgive(u.Email) // not a wrong guess
	}
	if parley.ErrorCode(err) == parley.EUNAVAILABLE {
		return nil, retryAfter(s.problem(err), auth.Busy)
	}
	return nil, err
}

type avatarInput struct {
	RawBody []byte
}

// setAvatar sets the caller's picture from the image in the body.
func (s *Server) setAvatar(ctx context.Context, a parley.Actor, in *avatarInput) (*body[present.UserJSON], error) {
	if len(in.RawBody) == 0 {
		return nil, parley.Invalid("body", "is empty: send the image's bytes")
	}
	u, err := s.org.SetAvatar(ctx, a, in.RawBody)
	if err != nil {
		return nil, err
	}
	return &body[present.UserJSON]{present.User(u)}, nil
}

// removeAvatar removes the caller's picture.
func (s *Server) removeAvatar(ctx context.Context, a parley.Actor, _ *struct{}) (*body[present.UserJSON], error) {
	u, err := s.org.SetAvatar(ctx, a, nil)
	if err != nil {
		return nil, err
	}
	return &body[present.UserJSON]{present.User(u)}, nil
}

// avatar serves a user's picture to anyone signed in.
func (s *Server) avatar(ctx context.Context, a parley.Actor, in *idInput) (*huma.StreamResponse, error) {
	u, err := s.org.User(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	if u.AvatarBlob == "" {
		return nil, parley.NotFound("picture")
	}
	return s.download(u.AvatarBlob, "avatar", u.AvatarType, true)
}

type invitationJSON struct {
	Link string `json:"link" doc:"A one-time sign-in link, also mailed to the user; it works for 7 days."`
}

// invite mails a user a one-time sign-in link and returns it.
func (s *Server) invite(ctx context.Context, a parley.Actor, in *idInput) (*body[invitationJSON], error) {
	link, err := s.org.Invite(ctx, a, in.ID, s.cfg.BaseURL+"/login/")
	if err != nil {
		return nil, err
	}
	return &body[invitationJSON]{invitationJSON{Link: link}}, nil
}

// scheduleJSON is a person's working week and what it makes them now.
type scheduleJSON struct {
	org.Schedule
	Availability parley.Availability `json:"availability" enum:"available,away" readOnly:"true" doc:"The person's availability now."`
}

type scheduleInput struct {
	Body org.Schedule
}

// schedule is the signed-in person's working week (SPEC ORG-4); 404 when
// they have none.
func (s *Server) schedule(ctx context.Context, a parley.Actor, _ *struct{}) (*body[scheduleJSON], error) {
	sch, err := s.org.Schedule(ctx, a)
	if err != nil {
		return nil, err
	}
	u, err := s.org.User(ctx, a, a.UserID)
	if err != nil {
		return nil, err
	}
	return &body[scheduleJSON]{scheduleJSON{*sch, u.Availability}}, nil
}

// setSchedule gives the signed-in person a working week that switches
// their availability at its boundaries, and applies it now.
func (s *Server) setSchedule(ctx context.Context, a parley.Actor, in *scheduleInput) (*body[scheduleJSON], error) {
	sch, u, err := s.org.SetSchedule(ctx, a, in.Body)
	if err != nil {
		return nil, err
	}
	return &body[scheduleJSON]{scheduleJSON{*sch, u.Availability}}, nil
}

// deleteSchedule stops the schedule; availability stays as it is.
func (s *Server) deleteSchedule(ctx context.Context, a parley.Actor, _ *struct{}) (*struct{}, error) {
	return nil, s.org.DeleteSchedule(ctx, a)
}

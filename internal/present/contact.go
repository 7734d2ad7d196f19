package present

import (
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// ContactJSON is a contact as the API shows it.
type ContactJSON struct {
	ID        parley.ID  `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Emails    []string   `json:"emails"`
	Phone     string     `json:"phone" doc:"The primary phone."`
	Phones    []string   `json:"phones" doc:"Every phone, the primary first."`
	OwnerID   *parley.ID `json:"owner_id"`
	CompanyID *parley.ID `json:"company_id"`
	// Details are what is known without a field of its own (a company, a
	// custom field a chat bot asked).
	Details   map[string]string `json:"details,omitempty" doc:"What is known of the contact without a field of its own: a company, a custom field a chat bot asked (name: value)."`
	Blocked   bool              `json:"blocked"`
	CreatedAt time.Time         `json:"created_at"`
}

// Contact renders c.
func Contact(c *parley.Contact) ContactJSON {
	return ContactJSON{ID: c.ID, Name: c.Name, Email: c.Email, Emails: nonNil(c.Emails), Phone: c.Phone, Phones: nonNil(c.Phones), OwnerID: c.OwnerID, CompanyID: c.CompanyID, Details: c.Details,
		Blocked: c.BlockedAt != nil, CreatedAt: c.CreatedAt}
}

package parley

import "time"

// FormSubmitted is what a form's first message carries besides its text:
// the form, and each field as the submitter filled it in, in the form's
// order (SPEC CHN-7).
type FormSubmitted struct {
	Form   string      `json:"form" doc:"The form's name when it was sent."`
	Fields []FormValue `json:"fields"`
}

// FormValue is one field of a form as sent.
type FormValue struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Type  string `json:"type" doc:"The field's type: text, textarea, email, phone, number, select or checkbox."`
	Value string `json:"value"`
}

// Call directions and outcomes (SPEC CHN-8).
const (
	CallInbound  = "inbound"
	CallOutbound = "outbound"
)

// CallOutcomes are how a logged call can have ended.
var CallOutcomes = []string{"answered", "missed", "voicemail", "busy", "failed"}

// Call is a logged phone call (SPEC CHN-8); its notes are the message's
// text.
type Call struct {
	Direction    string    `json:"direction" enum:"inbound,outbound"`
	From         string    `json:"from" doc:"The calling number."`
	To           string    `json:"to" doc:"The number called."`
	StartedAt    time.Time `json:"started_at"`
	Duration     int       `json:"duration" minimum:"0" doc:"In seconds."`
	Outcome      string    `json:"outcome" enum:"answered,missed,voicemail,busy,failed"`
	RecordingURL string    `json:"recording_url,omitempty" doc:"Where the recording is kept (http or https)."`
}

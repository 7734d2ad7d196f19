package mail

import (
	"slices"
	"testing"
)

func TestRoleBased(t *testing.T) {
	for email, want := range map[string]bool{
		"sales@vendor.example": true, "Info@Vendor.example": true, "noreply@x.example": true,
		"no-reply-billing@x.example": true, "noreply+123@x.example": true, "postmaster@x.example": true,
		"ana@x.example": false, "infosec-ana@x.example": false, "salesforce.ana@x.example": false,
	} {
		if got := RoleBased(email); got != want {
			t.Errorf("RoleBased(%q) = %v, want %v", email, got, want)
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens([]string{"support+abc123@acme.example", "Support+XYZ@ACME.example", "support@acme.example",
		"sales+abc@acme.example", "support+evil@other.example"}, "support", "acme.example")
	if want := []string{"abc123", "xyz"}; !slices.Equal(got, want) {
		t.Errorf("Tokens = %v, want %v", got, want)
	}
}

func TestSubjects(t *testing.T) {
	if n := SubjectNumber("Re: Refund [#4521] please"); n != 4521 {
		t.Errorf("SubjectNumber = %d", n)
	}
	if n := SubjectNumber("Order #4521"); n != 0 {
		t.Errorf("SubjectNumber without brackets = %d, want 0", n)
	}
	for in, want := range map[string]string{"Re: RE: Fwd: Hello": "Hello", "TR : Devis": "Devis", "AW: Frage": "Frage", "Re[2]: x": "x", "Hello": "Hello"} {
		if got := BaseSubject(in); got != want {
			t.Errorf("BaseSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReferencedOrder(t *testing.T) {
	m := &Message{MessageID: "self@x", InReplyTo: []string{"b@x"}, References: []string{"a@x", "b@x", "self@x"}}
	if got, want := m.Referenced(), []string{"b@x", "a@x"}; !slices.Equal(got, want) {
		t.Errorf("Referenced = %v, want %v", got, want)
	}
}

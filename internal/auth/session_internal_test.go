package auth

import "testing"

// The dummy hash must be a real argon2id hash with the current parameters,
// or an unknown email would answer faster than a wrong password.
func TestDummyHashIsReal(t *testing.T) {
	if !CheckPassword(dummyHash, "parley-dummy-password") {
		t.Fatal("dummyHash does not verify")
	}
	h, _ := HashPassword("x")
	if h[:len("$argon2id$v=19$m=19456,t=2,p=1$")] != dummyHash[:len("$argon2id$v=19$m=19456,t=2,p=1$")] {
		t.Errorf("dummyHash parameters differ from HashPassword's: %s vs %s", dummyHash[:32], h[:32])
	}
}

package present

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/parley"
)

// fill sets every field of v, recursively, to a value that is not zero, so
// that a field the rendering forgets shows in the comparison.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0))
		fill(v.Index(1))
	case reflect.String:
		v.SetString(v.Type().Name() + " value")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	default:
		panic("fill: add " + v.Kind().String())
	}
}

// TestEmail checks that the API's email shows every field of the stored
// one, with the same JSON, except its raw message's key, which stays
// inside: a field added to parley.Email fails here until it is shown or
// kept back on purpose.
func TestEmail(t *testing.T) {
	var stored parley.Email
	fill(reflect.ValueOf(&stored).Elem())
	if stored.Raw == "" {
		t.Fatal("fill left Raw empty: the test would prove nothing")
	}
	got, err := json.Marshal(email(&stored))
	if err != nil {
		t.Fatal(err)
	}
	var shown, all map[string]any
	if err := json.Unmarshal(got, &shown); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(stored)
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	if _, ok := shown["raw"]; ok {
		t.Errorf("the raw message's key reached the API: %s", got)
	}
	delete(all, "raw")
	if diff := cmp.Diff(all, shown); diff != "" {
		t.Errorf("API email differs from the stored one (-stored +API):\n%s", diff)
	}

	if email(nil) != nil {
		t.Error("no email rendered as one")
	}
	sparse, _ := json.Marshal(email(&parley.Email{MessageID: "a@b", From: parley.Mailbox{Email: "a@b"}}))
	if want := `{"message_id":"a@b","subject":"","from":{"email":"a@b"},"date":"0001-01-01T00:00:00Z"}`; string(sparse) != want {
		t.Errorf("a sparse email = %s, want %s", sparse, want)
	}
}

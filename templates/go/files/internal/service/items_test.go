package service

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestItemJSONMatchesEncodingJSON holds Item.appendJSON to the bytes
// encoding/json writes, which it replaces in writeJSON for speed.
func TestItemJSONMatchesEncodingJSON(t *testing.T) {
	// appendJSON writes every field by hand, so a field it lacks makes the
	// comparison below fail, unless encoding/json leaves that field out too.
	for i := range reflect.TypeFor[Item]().NumField() {
		if field := reflect.TypeFor[Item]().Field(i); strings.Contains(field.Tag.Get("json"), "omitempty") {
			t.Fatalf("Item.%s is omitempty: appendJSON writes every field, and this test could not see it lacks one", field.Name)
		}
	}
	text := func(s string) *string { return &s }
	utc := time.Date(2026, 11, 29, 10, 22, 8, 123456789, time.UTC)
	items := []Item{
		{ID: "c2017417-141d-44e3-90df-bec20dd4d2a8", Name: "x", CreatedAt: utc},
		{ID: "a", Name: "with description", Description: text("some text: 1, 2 & 3"), CreatedAt: utc},
		{ID: "a", Name: "empty description", Description: text(""), CreatedAt: utc},
		{ID: "whole-second", Name: "x", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{ID: "trailing-zeros", Name: "x", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC)},
		{ID: "now", Name: "x", CreatedAt: time.Now().UTC()},
		{ID: "offset zero", Name: "x", CreatedAt: utc.In(time.FixedZone("GMT", 0))},
		// The ones below take encoding/json's path.
		{ID: "zero-time", Name: ""},
		{ID: "local", Name: "x", CreatedAt: utc.In(time.FixedZone("odd", 3600+30))},
		{ID: "quote", Name: `say "hi"`, CreatedAt: utc},
		{ID: "backslash", Name: `a\b`, Description: text("c:\\"), CreatedAt: utc},
		{ID: "html", Name: "<b>&</b>", CreatedAt: utc},
		{ID: "control", Name: "tab\there\n", CreatedAt: utc},
		{ID: "unicode", Name: "ünïcødé \u2028 \U0001F600", Description: text("\x7f"), CreatedAt: utc},
		{ID: "invalid utf-8", Name: "\xff\xfe", CreatedAt: utc},
		{ID: "year 10000", Name: "x", CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, item := range items {
		var want bytes.Buffer
		wantErr := json.NewEncoder(&want).Encode(item)
		got, ok := item.appendJSON(nil)
		if !ok {
			continue // writeJSON uses encoding/json for this one
		}
		if wantErr != nil {
			t.Errorf("%s: appendJSON wrote %q, encoding/json fails: %v", item.ID, got, wantErr)
			continue
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s:\nappendJSON:    %q\nencoding/json: %q", item.ID, got, want.Bytes())
		}
	}
	// The common case must take the fast path, or it would be dead code.
	if _, ok := items[0].appendJSON(nil); !ok {
		t.Error("a plain item is not written by appendJSON")
	}
}

// FuzzItemJSON checks the same for arbitrary strings and times
// (`go test -fuzz FuzzItemJSON ./internal/service`; plain go test runs the seeds).
func FuzzItemJSON(f *testing.F) {
	f.Add("id", "name", "description", true, int64(1764410528123456789))
	f.Add("\u2028", "<>&", `"\`, false, int64(0))
	f.Add("a\x00", "\xff", "é", true, int64(-62135596800000000000/1000))
	f.Fuzz(func(t *testing.T, id, name, description string, described bool, unixNano int64) {
		item := Item{ID: id, Name: name, CreatedAt: time.Unix(0, unixNano).UTC()}
		if described {
			item.Description = &description
		}
		got, ok := item.appendJSON(nil)
		if !ok {
			return
		}
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(item); err != nil {
			t.Fatalf("appendJSON wrote %q, encoding/json fails: %v", got, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("\nappendJSON:    %q\nencoding/json: %q", got, want.Bytes())
		}
	})
}

// TestJSONStringMatchesUnmarshal holds jsonString, which takes most strings
// as they are, to what json.Unmarshal makes of the same values.
func TestJSONStringMatchesUnmarshal(t *testing.T) {
	values := []string{
		`"x"`, `""`, `"with spaces & <html>"`, `"ünïcødé 😀"`,
		`"quote \" inside"`, `"a\\b"`, `"\u00e9\u2028\ud83d\ude00"`, `"tab\there"`,
		"\"invalid \xff\xfe utf-8\"", "\"\xed\xa0\x80 surrogate half\"",
		`null`, `42`, `true`, `["x"]`, `{"a":"b"}`,
	}
	for _, value := range values {
		var want string
		wantErr := json.Unmarshal([]byte(value), &want)
		// Unmarshal leaves a string alone on null; the schema calls null not a string.
		wantString := wantErr == nil && value != "null"
		got, isString := jsonString(json.RawMessage(value))
		if isString != wantString || got != want {
			t.Errorf("%s: jsonString = %q, %v; json.Unmarshal = %q, %v", value, got, isString, want, wantErr)
		}
	}
}

// BenchmarkParseNewItem is what validating a typical POST /v1/items body
// costs:
//
//	go test -run '^$' -bench ParseNewItem -benchmem ./internal/service
func BenchmarkParseNewItem(b *testing.B) {
	body := []byte(`{"name":"a new item","description":"what it is for"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, details, ok := parseNewItem(body); !ok || len(details) > 0 {
			b.Fatalf("valid body refused: %v %v", ok, details)
		}
	}
}

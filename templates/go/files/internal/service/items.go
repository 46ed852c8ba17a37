package service

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"unicode/utf8"
)

const (
	maxNameLength        = 100
	maxDescriptionLength = 1000
	maxIDLength          = 64
	maxBodyBytes         = 1 << 20
)

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mediaType, _, err := mime.ParseMediaType(ct); err != nil || mediaType != "application/json" {
			writeError(w, r, http.StatusUnsupportedMediaType, codeUnsupportedMediaType, fmt.Sprintf("Content-Type must be application/json (got %q).", ct), nil)
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, r, http.StatusRequestEntityTooLarge, codePayloadTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", tooLarge.Limit), nil)
		return
	case err != nil:
		writeError(w, r, http.StatusBadRequest, codeBadRequest, "The request body could not be read.", nil)
		return
	}

	name, description, details, ok := parseNewItem(body)
	if !ok {
		writeError(w, r, http.StatusBadRequest, codeBadRequest, "The request body is not valid JSON.", nil)
		return
	}
	if len(details) > 0 {
		writeError(w, r, http.StatusBadRequest, codeValidationFailed, "The request is not valid.", details)
		return
	}

	item, err := s.items.create(r.Context(), name, description)
	if err != nil {
		s.internalError(w, r, "storing the item failed", err)
		return
	}
	w.Header()["Location"] = []string{"/v1/items/" + item.ID}
	writeJSON(w, http.StatusCreated, item)
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if utf8.RuneCountInString(id) > maxIDLength {
		writeError(w, r, http.StatusBadRequest, codeValidationFailed, "The request is not valid.",
			[]Detail{{Path: "/params/id", Message: fmt.Sprintf("must NOT have more than %d characters", maxIDLength)}})
		return
	}
	item, found, err := s.items.get(r.Context(), id)
	if err != nil {
		s.internalError(w, r, "reading the item failed", err)
		return
	}
	if !found {
		writeError(w, r, http.StatusNotFound, codeNotFound, fmt.Sprintf("Item %s does not exist.", id), nil)
		return
	}
	writeJSON(w, http.StatusOK, item)
}

// parseNewItem checks a POST /v1/items body against its schema: an object
// with a required string "name" (1-100 characters), an optional string
// "description" (at most 1000) and nothing else. ok is false when the body
// is not JSON at all. Lengths count Unicode characters, not bytes.
func parseNewItem(body []byte) (name string, description *string, details []Detail, ok bool) {
	// Unmarshal checks that the whole body is JSON before it decodes any of
	// it: a syntax error means the body is not JSON, any other error (or a
	// nil map, from "null") that it is JSON but not an object.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return "", nil, nil, false
		}
		return "", nil, []Detail{{Path: "/body", Message: "must be object"}}, true
	}
	var unknown []string
	for key := range fields {
		if key != "name" && key != "description" {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	for _, key := range unknown {
		details = append(details, Detail{Path: "/body/" + key, Message: fmt.Sprintf("must not have property '%s'", key)})
	}
	if rawName, present := fields["name"]; !present {
		details = append(details, Detail{Path: "/body/name", Message: "must have required property 'name'"})
	} else if text, isString := jsonString(rawName); !isString {
		details = append(details, Detail{Path: "/body/name", Message: "must be string"})
	} else {
		name = text
		details = append(details, lengthProblems("/body/name", name, 1, maxNameLength)...)
	}
	if rawDescription, present := fields["description"]; present {
		if text, isString := jsonString(rawDescription); !isString {
			details = append(details, Detail{Path: "/body/description", Message: "must be string"})
		} else {
			details = append(details, lengthProblems("/body/description", text, 0, maxDescriptionLength)...)
			description = &text
		}
	}
	return name, description, details, true
}

// jsonString decodes one value of an already validated JSON document that
// must be a string; isString is false for any other type, null included.
func jsonString(raw json.RawMessage) (text string, isString bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	// Most strings hold no escapes: their bytes are the text. (Unmarshal
	// would also replace invalid UTF-8, hence the check.)
	if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	// Two statements: Go leaves unspecified whether text in a return list is
	// read before or after a call in the same list fills it.
	err := json.Unmarshal(raw, &text)
	return text, err == nil
}

func lengthProblems(path, value string, lowest, highest int) []Detail {
	switch n := utf8.RuneCountInString(value); {
	case n < lowest:
		return []Detail{{Path: path, Message: fmt.Sprintf("must NOT have fewer than %d characters", lowest)}}
	case n > highest:
		return []Detail{{Path: path, Message: fmt.Sprintf("must NOT have more than %d characters", highest)}}
	default:
		return nil
	}
}

// newID returns a random RFC 4122 version 4 UUID.
func newID() string {
	var b [16]byte
	// crypto/rand.Read never returns an error on supported platforms.
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	// 8-4-4-4-12 lower-case hex digits, without fmt's reflection.
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:16])
	return string(s[:])
}

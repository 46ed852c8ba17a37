package service

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Item is the example resource. Replace it with your own domain types; the
// handlers show the pattern: decode, validate, act, answer.
type Item struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
}

type createItemRequest struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

const (
	maxNameLength        = 100
	maxDescriptionLength = 1000
	maxBodyBytes         = 64 << 10
)

// itemStore keeps items in memory: the example needs no database, and a
// restart forgetting them is expected.
type itemStore struct {
	mu    sync.RWMutex
	items map[string]Item
}

func newItemStore() *itemStore {
	return &itemStore{items: make(map[string]Item)}
}

func (s *itemStore) add(item Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items[item.ID] = item
}

func (s *itemStore) get(id string) (Item, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	item, ok := s.items[id]
	return item, ok
}

func (s *Server) createItem(w http.ResponseWriter, r *http.Request) {
	var req createItemRequest
	decoder := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err := decoder.Decode(&req); err != nil {
		writeError(w, r, http.StatusBadRequest, codeValidationFailed, "request body must be a JSON object", []FieldError{{Field: "body", Message: describeDecodeError(err)}})
		return
	}
	if decoder.More() {
		writeError(w, r, http.StatusBadRequest, codeValidationFailed, "request body must be a single JSON object", nil)
		return
	}
	if problems := validateCreateItem(req); len(problems) > 0 {
		writeError(w, r, http.StatusBadRequest, codeValidationFailed, "request body is invalid", problems)
		return
	}

	item := Item{ID: newID(), Name: *req.Name, CreatedAt: time.Now().UTC()}
	if req.Description != nil {
		item.Description = *req.Description
	}
	s.items.add(item)
	w.Header().Set("Location", "/v1/items/"+item.ID)
	writeJSON(w, http.StatusCreated, item)
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	item, ok := s.items.get(id)
	if !ok {
		writeError(w, r, http.StatusNotFound, codeNotFound, fmt.Sprintf("item %q was not found", id), nil)
		return
	}
	writeJSON(w, http.StatusOK, item)
}

func validateCreateItem(req createItemRequest) []FieldError {
	var problems []FieldError
	switch {
	case req.Name == nil:
		problems = append(problems, FieldError{Field: "name", Message: "is required"})
	case strings.TrimSpace(*req.Name) == "" || utf8.RuneCountInString(*req.Name) > maxNameLength:
		problems = append(problems, FieldError{Field: "name", Message: fmt.Sprintf("must be 1 to %d characters and not only spaces", maxNameLength)})
	}
	if req.Description != nil && utf8.RuneCountInString(*req.Description) > maxDescriptionLength {
		problems = append(problems, FieldError{Field: "description", Message: fmt.Sprintf("must be at most %d characters", maxDescriptionLength)})
	}
	return problems
}

// describeDecodeError turns encoding/json's errors into text a client can
// act on, without echoing Go type names.
func describeDecodeError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return "is empty"
	case errors.As(err, &tooLarge):
		return fmt.Sprintf("is larger than %d bytes", tooLarge.Limit)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Sprintf("field %q must be a string, got a JSON %s", typeErr.Field, typeErr.Value)
	case errors.As(err, &typeErr):
		return "must be a JSON object"
	default:
		return "is not valid JSON"
	}
}

// newID returns a random RFC 4122 version 4 UUID.
func newID() string {
	var b [16]byte
	// crypto/rand.Read never returns an error on supported platforms.
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

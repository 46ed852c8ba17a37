package service

import (
	"encoding/json"
	"net/http"
)

// Error codes: every error response uses one of these and the same body
// shape, so clients need one decoder for all of them.
const (
	codeValidationFailed = "validation_failed"
	codeNotFound         = "not_found"
	codeInternal         = "internal"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	RequestID string       `json:"requestId"`
	Details   []FieldError `json:"details,omitempty"`
}

// FieldError says which part of a request was invalid and why.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string, details []FieldError) {
	writeJSON(w, status, errorBody{Error: errorDetail{
		Code:      code,
		Message:   message,
		RequestID: requestIDFrom(r.Context()),
		Details:   details,
	}})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// The status line is already sent; an encoding error here can only be
	// a broken connection, which the client sees anyway.
	_ = json.NewEncoder(w).Encode(body)
}

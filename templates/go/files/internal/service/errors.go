package service

import (
	"encoding/json"
	"net/http"
)

// Error codes. Every error response, whatever its status, has the same body
// shape, so clients need one decoder and operators can find the matching log
// line by requestId.
const (
	codeValidationFailed     = "validation_failed"      // 400: well-formed input that breaks a rule
	codeBadRequest           = "bad_request"            // 400: input that cannot be read at all
	codeNotFound             = "not_found"              // 404
	codeMethodNotAllowed     = "method_not_allowed"     // 405
	codePayloadTooLarge      = "payload_too_large"      // 413
	codeUnsupportedMediaType = "unsupported_media_type" // 415
	codeInternal             = "internal_error"         // 500: details are logged, never returned
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string   `json:"code"`
	Message   string   `json:"message"`
	RequestID string   `json:"requestId"`
	Details   []Detail `json:"details,omitempty"`
}

// Detail names one invalid part of a request.
type Detail struct {
	// Path is a JSON pointer to the offending input, e.g. "/body/name".
	Path    string `json:"path"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string, details []Detail) {
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

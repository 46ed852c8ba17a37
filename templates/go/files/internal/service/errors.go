package service

import (
	"encoding/json"
	"net/http"
	"sync"
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

// jsonAppender is a body that can write its own JSON, byte for byte what
// json.NewEncoder(w).Encode would write (newline included), without
// reflection. ok is false when it cannot (a string that needs escaping, ...):
// writeJSON then uses encoding/json.
type jsonAppender interface {
	appendJSON(b []byte) (out []byte, ok bool)
}

// bodyBuffers recycles the buffers jsonAppender bodies are written in.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func writeJSON(w http.ResponseWriter, status int, body any) {
	// The key is already canonical: Header().Set would check that again.
	w.Header()["Content-Type"] = []string{"application/json; charset=utf-8"}
	w.WriteHeader(status)
	// The status line is already sent; an encoding error here can only be
	// a broken connection, which the client sees anyway.
	if a, ok := body.(jsonAppender); ok {
		bp := bodyBuffers.Get().(*[]byte)
		if b, ok := a.appendJSON((*bp)[:0]); ok {
			_, _ = w.Write(b)
			if cap(b) <= 64<<10 { // a huge body is not worth keeping a buffer for
				*bp = b
				bodyBuffers.Put(bp)
			}
			return
		}
		bodyBuffers.Put(bp)
	}
	_ = json.NewEncoder(w).Encode(body)
}

// internalError answers 500 without any detail and logs what went wrong,
// with the request's id so the answer and the line can be matched.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, msg string, err error) {
	s.logger.ErrorContext(r.Context(), msg, "requestId", requestIDFrom(r.Context()), "error", err.Error())
	writeError(w, r, http.StatusInternalServerError, codeInternal, "an unexpected error occurred", nil)
}

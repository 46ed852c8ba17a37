package service

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// syncBuffer lets the test read log lines while handlers write them.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns every log line decoded as a JSON object.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, entry)
	}
	return out
}

type testService struct {
	*Server
	url  string
	logs *syncBuffer
}

func newTestService(t *testing.T) *testService {
	t.Helper()
	logs := &syncBuffer{}
	s := NewServer(NewLogger(logs, slog.LevelDebug, "test-service"))
	ts := &testService{Server: s, logs: logs}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ts.url = srv.URL
	return ts
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (ts *testService) do(t *testing.T, method, path, body string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %q is not the expected JSON: %v", r.body, err)
	}
	return v
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// assertError checks the one error shape every failure shares.
func assertError(t *testing.T, r response, status int, code string) errorDetail {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q", ct)
	}
	body := decode[errorBody](t, r)
	if body.Error.Code != code || body.Error.Message == "" {
		t.Fatalf("error = %+v, want code %q and a message", body.Error, code)
	}
	if body.Error.RequestID == "" || body.Error.RequestID != r.header.Get("X-Request-Id") {
		t.Fatalf("error requestId %q does not match header %q", body.Error.RequestID, r.header.Get("X-Request-Id"))
	}
	return body.Error
}

func TestHealthAndReadiness(t *testing.T) {
	ts := newTestService(t)
	if r := ts.do(t, "GET", "/healthz", "", nil); r.status != http.StatusOK {
		t.Fatalf("/healthz = %d", r.status)
	}
	if r := ts.do(t, "GET", "/readyz", "", nil); r.status != http.StatusOK {
		t.Fatalf("/readyz = %d", r.status)
	}
	ts.shutting.Store(true)
	if r := ts.do(t, "GET", "/readyz", "", nil); r.status != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while shutting down = %d, want 503", r.status)
	}
	if r := ts.do(t, "GET", "/healthz", "", nil); r.status != http.StatusOK {
		t.Fatalf("/healthz while shutting down = %d, want 200 (still alive)", r.status)
	}
}

func TestCreateThenGetItem(t *testing.T) {
	ts := newTestService(t)
	created := ts.do(t, "POST", "/v1/items", `{"name":"Widget","description":"a thing"}`, nil)
	if created.status != http.StatusCreated {
		t.Fatalf("POST status = %d, body %s", created.status, created.body)
	}
	item := decode[Item](t, created)
	if !uuidPattern.MatchString(item.ID) || item.Name != "Widget" || item.Description != "a thing" || item.CreatedAt.IsZero() {
		t.Fatalf("unexpected item %+v", item)
	}
	if loc := created.header.Get("Location"); loc != "/v1/items/"+item.ID {
		t.Fatalf("Location = %q", loc)
	}

	got := ts.do(t, "GET", "/v1/items/"+item.ID, "", nil)
	if got.status != http.StatusOK {
		t.Fatalf("GET status = %d", got.status)
	}
	if fetched := decode[Item](t, got); fetched != item {
		t.Fatalf("GET returned %+v, want %+v", fetched, item)
	}

	other := decode[Item](t, ts.do(t, "POST", "/v1/items", `{"name":"Gadget"}`, nil))
	if other.ID == item.ID {
		t.Fatal("two items got the same id")
	}
}

func TestGetUnknownItemIsNotFound(t *testing.T) {
	ts := newTestService(t)
	assertError(t, ts.do(t, "GET", "/v1/items/does-not-exist", "", nil), http.StatusNotFound, codeNotFound)
}

func TestCreateItemValidation(t *testing.T) {
	ts := newTestService(t)
	cases := []struct {
		name, body, field string
	}{
		{"missing name", `{}`, "name"},
		{"empty name", `{"name":""}`, "name"},
		{"blank name", `{"name":"   "}`, "name"},
		{"name too long", `{"name":"` + strings.Repeat("x", 101) + `"}`, "name"},
		{"description too long", `{"name":"ok","description":"` + strings.Repeat("d", 1001) + `"}`, "description"},
		{"name not a string", `{"name":42}`, "body"},
		{"body not an object", `["name"]`, "body"},
		{"body not JSON", `name=x`, "body"},
		{"empty body", ``, "body"},
		{"body too large", `{"name":"` + strings.Repeat("x", maxBodyBytes) + `"}`, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			detail := assertError(t, ts.do(t, "POST", "/v1/items", tc.body, nil), http.StatusBadRequest, codeValidationFailed)
			if len(detail.Details) == 0 || detail.Details[0].Field != tc.field {
				t.Fatalf("details = %+v, want a problem with field %q", detail.Details, tc.field)
			}
		})
	}
	if r := ts.do(t, "POST", "/v1/items", `{"name":"x"} {"name":"y"}`, nil); r.status != http.StatusBadRequest {
		t.Fatalf("two JSON values: status %d, want 400", r.status)
	}
}

func TestNameLengthCountsCharactersNotBytes(t *testing.T) {
	ts := newTestService(t)
	name := strings.Repeat("é", maxNameLength) // 200 bytes, 100 characters
	if r := ts.do(t, "POST", "/v1/items", `{"name":"`+name+`"}`, nil); r.status != http.StatusCreated {
		t.Fatalf("status %d for a 100-character name, body %s", r.status, r.body)
	}
}

func TestUnknownRoutesShareTheErrorShape(t *testing.T) {
	ts := newTestService(t)
	assertError(t, ts.do(t, "GET", "/no/such/route", "", nil), http.StatusNotFound, codeNotFound)
	assertError(t, ts.do(t, "DELETE", "/v1/items/abc", "", nil), http.StatusNotFound, codeNotFound)
}

func TestRequestIDIsHonouredOrGenerated(t *testing.T) {
	ts := newTestService(t)

	given := ts.do(t, "GET", "/healthz", "", map[string]string{"X-Request-Id": "trace-abc_123"})
	if got := given.header.Get("X-Request-Id"); got != "trace-abc_123" {
		t.Fatalf("incoming id not echoed: %q", got)
	}

	generated := ts.do(t, "GET", "/healthz", "", nil)
	if got := generated.header.Get("X-Request-Id"); !uuidPattern.MatchString(got) {
		t.Fatalf("generated id %q is not a UUID", got)
	}

	unsafe := ts.do(t, "GET", "/healthz", "", map[string]string{"X-Request-Id": `"},{"level":"error`})
	if got := unsafe.header.Get("X-Request-Id"); !uuidPattern.MatchString(got) {
		t.Fatalf("unsafe id should be replaced, got %q", got)
	}
}

func TestOneJSONLogLinePerRequest(t *testing.T) {
	ts := newTestService(t)
	ts.do(t, "GET", "/v1/items/missing", "", map[string]string{"X-Request-Id": "log-check-1"})

	var found []map[string]any
	for _, entry := range ts.logs.lines(t) {
		if entry["msg"] == "request completed" {
			found = append(found, entry)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one request log line, got %d: %v", len(found), found)
	}
	entry := found[0]
	want := map[string]any{
		"level": "info", "service": "test-service", "requestId": "log-check-1",
		"method": "GET", "route": "/v1/items/{id}", "path": "/v1/items/missing", "status": float64(404),
	}
	for k, v := range want {
		if entry[k] != v {
			t.Errorf("log %s = %v, want %v", k, entry[k], v)
		}
	}
	if _, ok := entry["durationMs"].(float64); !ok {
		t.Errorf("log has no numeric durationMs: %v", entry)
	}
}

func TestMetricsExposeRequestDurations(t *testing.T) {
	ts := newTestService(t)
	ts.do(t, "GET", "/v1/items/nope", "", nil)
	ts.do(t, "POST", "/v1/items", `{"name":"a"}`, nil)
	ts.do(t, "GET", "/not-a-route/123", "", nil)

	r := ts.do(t, "GET", "/metrics", "", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics = %d %q", r.status, r.header.Get("Content-Type"))
	}
	text := string(r.body)
	for _, want := range []string{
		"# TYPE http_request_duration_seconds histogram",
		`http_request_duration_seconds_count{method="GET",route="/v1/items/{id}",status_code="404"} 1`,
		`http_request_duration_seconds_count{method="POST",route="/v1/items",status_code="201"} 1`,
		// Unknown paths collapse into one label value instead of one series each.
		`http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1`,
		"go_goroutines ",
		"process_cpu_seconds_total ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(text, "/not-a-route/123") {
		t.Error("/metrics leaks a raw path into a label")
	}
}

func TestPanicsBecomeInternalErrors(t *testing.T) {
	ts := newTestService(t)
	ts.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })

	detail := assertError(t, ts.do(t, "GET", "/boom", "", nil), http.StatusInternalServerError, codeInternal)
	if strings.Contains(detail.Message, "kaboom") {
		t.Fatal("the panic value must not reach the client")
	}
	var logged bool
	for _, entry := range ts.logs.lines(t) {
		if entry["msg"] == "handler panicked" && entry["level"] == "error" && entry["panic"] == "kaboom" {
			logged = true
		}
	}
	if !logged {
		t.Fatal("the panic was not logged")
	}
}

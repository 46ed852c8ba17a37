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
	"time"
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

func testConfig() Config {
	return Config{ServiceName: "test-service", Host: "127.0.0.1", LogLevel: slog.LevelDebug, ShutdownTimeout: 5 * time.Second}
}

type testService struct {
	*Server
	url  string
	logs *syncBuffer
}

func newTestService(t *testing.T) *testService {
	t.Helper()
	return newTestServiceWith(t, testConfig())
}

// newTestServiceWith serves cfg, logging at cfg.LogLevel.
func newTestServiceWith(t *testing.T, cfg Config) *testService {
	t.Helper()
	logs := &syncBuffer{}
	s := newTestServer(t, cfg, NewLogger(logs, cfg.LogLevel, cfg.ServiceName))
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
	r := ts.do(t, "GET", "/readyz", "", nil)
	if r.status != http.StatusServiceUnavailable || decode[readiness](t, r).Status != "shutting_down" {
		t.Fatalf("/readyz while shutting down = %d %s, want 503 shutting_down", r.status, r.body)
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
	if !uuidPattern.MatchString(item.ID) || item.Name != "Widget" || item.Description == nil || *item.Description != "a thing" || item.CreatedAt.IsZero() {
		t.Fatalf("unexpected item %+v", item)
	}
	if loc := created.header.Get("Location"); loc != "/v1/items/"+item.ID {
		t.Fatalf("Location = %q", loc)
	}

	got := ts.do(t, "GET", "/v1/items/"+item.ID, "", nil)
	if got.status != http.StatusOK {
		t.Fatalf("GET status = %d", got.status)
	}
	if string(got.body) != string(created.body) {
		t.Fatalf("GET returned %s, want what POST returned: %s", got.body, created.body)
	}

	other := ts.do(t, "POST", "/v1/items", `{"name":"Gadget"}`, nil)
	if !strings.Contains(string(other.body), `"description":null`) {
		t.Fatalf("a missing description should be null: %s", other.body)
	}
	if decode[Item](t, other).ID == item.ID {
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
		name, body string
		want       Detail
	}{
		{"missing name", `{}`, Detail{"/body/name", "must have required property 'name'"}},
		{"empty name", `{"name":""}`, Detail{"/body/name", "must NOT have fewer than 1 characters"}},
		{"name too long", `{"name":"` + strings.Repeat("x", 101) + `"}`, Detail{"/body/name", "must NOT have more than 100 characters"}},
		{"name not a string", `{"name":42}`, Detail{"/body/name", "must be string"}},
		{"name null", `{"name":null}`, Detail{"/body/name", "must be string"}},
		{"description too long", `{"name":"ok","description":"` + strings.Repeat("d", 1001) + `"}`, Detail{"/body/description", "must NOT have more than 1000 characters"}},
		{"description not a string", `{"name":"ok","description":["x"]}`, Detail{"/body/description", "must be string"}},
		{"unknown property", `{"name":"ok","colour":"red"}`, Detail{"/body/colour", "must not have property 'colour'"}},
		{"body not an object", `["name"]`, Detail{"/body", "must be object"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			detail := assertError(t, ts.do(t, "POST", "/v1/items", tc.body, nil), http.StatusBadRequest, codeValidationFailed)
			if len(detail.Details) == 0 || detail.Details[0] != tc.want {
				t.Fatalf("details = %+v, want first %+v", detail.Details, tc.want)
			}
		})
	}

	for _, body := range []string{`name=x`, ``, `{"name":"x"} {"name":"y"}`} {
		assertError(t, ts.do(t, "POST", "/v1/items", body, nil), http.StatusBadRequest, codeBadRequest)
	}
	assertError(t, ts.do(t, "POST", "/v1/items", `{"name":"`+strings.Repeat("x", maxBodyBytes)+`"}`, nil), http.StatusRequestEntityTooLarge, codePayloadTooLarge)
	assertError(t, ts.do(t, "POST", "/v1/items", `{"name":"x"}`, map[string]string{"Content-Type": "text/plain"}), http.StatusUnsupportedMediaType, codeUnsupportedMediaType)
	assertError(t, ts.do(t, "GET", "/v1/items/"+strings.Repeat("i", 65), "", nil), http.StatusBadRequest, codeValidationFailed)
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
	r := ts.do(t, "DELETE", "/v1/items/abc", "", nil)
	assertError(t, r, http.StatusMethodNotAllowed, codeMethodNotAllowed)
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") {
		t.Fatalf("Allow = %q", allow)
	}
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

// accessLines returns the "request completed" lines logged for requestID.
func (ts *testService) accessLines(t *testing.T, requestID string) []map[string]any {
	t.Helper()
	var found []map[string]any
	for _, entry := range ts.logs.lines(t) {
		if entry["msg"] == "request completed" && entry["requestId"] == requestID {
			found = append(found, entry)
		}
	}
	return found
}

// expectAccessLine checks that requestID got exactly one access line, at level (or none when
// level is "") and with status.
func (ts *testService) expectAccessLine(t *testing.T, requestID, level string, status int) {
	t.Helper()
	found := ts.accessLines(t, requestID)
	if level == "" {
		if len(found) != 0 {
			t.Errorf("request %s: want no access line, got %v", requestID, found)
		}
		return
	}
	if len(found) != 1 || found[0]["level"] != level || found[0]["statusCode"] != float64(status) {
		t.Errorf("request %s: want one access line at %s with status %d, got %v", requestID, level, status, found)
	}
}

func withAccessLog(mode AccessLog) Config {
	cfg := testConfig()
	cfg.AccessLog = mode
	return cfg
}

func TestAccessLogByDefaultOnlyForFailedRequests(t *testing.T) {
	ts := newTestServiceWith(t, withAccessLog(AccessLogErrors))
	ts.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	id := func(name string) map[string]string { return map[string]string{"X-Request-Id": name} }

	if r := ts.do(t, "POST", "/v1/items", `{"name":"a"}`, id("created")); r.status != http.StatusCreated {
		t.Fatalf("POST = %d", r.status)
	}
	item := decode[Item](t, ts.do(t, "POST", "/v1/items", `{"name":"b"}`, nil))
	if r := ts.do(t, "GET", "/v1/items/"+item.ID, "", id("read")); r.status != http.StatusOK {
		t.Fatalf("GET = %d", r.status)
	}
	ts.do(t, "GET", "/healthz", "", id("probe"))
	assertError(t, ts.do(t, "GET", "/v1/items/missing", "", id("not-found")), http.StatusNotFound, codeNotFound)
	assertError(t, ts.do(t, "POST", "/v1/items", `{}`, id("invalid")), http.StatusBadRequest, codeValidationFailed)
	assertError(t, ts.do(t, "GET", "/boom", "", id("panicked")), http.StatusInternalServerError, codeInternal)

	ts.expectAccessLine(t, "created", "", 0)
	ts.expectAccessLine(t, "read", "", 0)
	ts.expectAccessLine(t, "probe", "", 0)
	ts.expectAccessLine(t, "not-found", "info", http.StatusNotFound)
	ts.expectAccessLine(t, "invalid", "info", http.StatusBadRequest)
	ts.expectAccessLine(t, "panicked", "error", http.StatusInternalServerError)
	for _, entry := range ts.logs.lines(t) {
		if entry["requestId"] == "created" || entry["requestId"] == "read" || entry["requestId"] == "probe" {
			t.Errorf("a successful request was logged: %v", entry)
		}
	}
}

func TestAccessLogAllLogsEveryRequest(t *testing.T) {
	ts := newTestServiceWith(t, withAccessLog(AccessLogAll))
	ts.do(t, "GET", "/healthz", "", map[string]string{"X-Request-Id": "probe"})
	if r := ts.do(t, "POST", "/v1/items", `{"name":"a"}`, map[string]string{"X-Request-Id": "created"}); r.status != http.StatusCreated {
		t.Fatalf("POST = %d", r.status)
	}
	ts.do(t, "GET", "/v1/items/missing", "", map[string]string{"X-Request-Id": "not-found"})
	ts.expectAccessLine(t, "created", "info", http.StatusCreated)
	ts.expectAccessLine(t, "probe", "debug", http.StatusOK)
	ts.expectAccessLine(t, "not-found", "info", http.StatusNotFound)
}

func TestAccessLogNoneLogsNoRequest(t *testing.T) {
	ts := newTestServiceWith(t, withAccessLog(AccessLogNone))
	ts.mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	ts.do(t, "POST", "/v1/items", `{"name":"a"}`, map[string]string{"X-Request-Id": "created"})
	ts.do(t, "GET", "/v1/items/missing", "", map[string]string{"X-Request-Id": "not-found"})
	assertError(t, ts.do(t, "GET", "/boom", "", map[string]string{"X-Request-Id": "panicked"}), http.StatusInternalServerError, codeInternal)
	for _, entry := range ts.logs.lines(t) {
		if entry["msg"] == "request completed" {
			t.Errorf("an access line with ACCESS_LOG=none: %v", entry)
		}
	}
	// Only the access line goes: the panic is still logged.
	var panicLogged bool
	for _, entry := range ts.logs.lines(t) {
		if entry["msg"] == "handler panicked" && entry["requestId"] == "panicked" && entry["level"] == "error" {
			panicLogged = true
		}
	}
	if !panicLogged {
		t.Error("the panic was not logged with ACCESS_LOG=none")
	}
}

func TestLogLevelAppliesToAccessLines(t *testing.T) {
	cfg := withAccessLog(AccessLogErrors)
	cfg.LogLevel = slog.LevelError
	ts := newTestServiceWith(t, cfg)
	ts.mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusServiceUnavailable, codeInternal, "unavailable", nil)
	})
	ts.do(t, "GET", "/v1/items/missing", "", map[string]string{"X-Request-Id": "not-found"})
	ts.do(t, "GET", "/fail", "", map[string]string{"X-Request-Id": "failed"})
	ts.expectAccessLine(t, "not-found", "", 0)
	ts.expectAccessLine(t, "failed", "error", http.StatusServiceUnavailable)
}

func TestOneJSONLogLinePerFailedRequest(t *testing.T) {
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
		"method": "GET", "route": "/v1/items/{id}", "path": "/v1/items/missing", "statusCode": float64(404),
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
		`http_request_duration_seconds_count{method="GET",route="/v1/items/{id}",service="test-service",status="404"} 1`,
		`http_request_duration_seconds_count{method="POST",route="/v1/items",service="test-service",status="201"} 1`,
		// Unknown paths collapse into one label value instead of one series each.
		`http_request_duration_seconds_count{method="GET",route="unmatched",service="test-service",status="404"} 1`,
		`go_goroutines{service="test-service"} `,
		`process_cpu_seconds_total{service="test-service"} `,
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

func TestProbeRequestsLogAtDebug(t *testing.T) {
	ts := newTestServiceWith(t, withAccessLog(AccessLogAll)) // by default a healthy probe logs nothing at all
	ts.do(t, "GET", "/healthz", "", map[string]string{"X-Request-Id": "probe-1"})
	for _, entry := range ts.logs.lines(t) {
		if entry["requestId"] == "probe-1" && entry["level"] != "debug" {
			t.Fatalf("probe logged at %v, want debug", entry["level"])
		}
	}
}

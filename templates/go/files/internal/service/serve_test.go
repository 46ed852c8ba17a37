package service

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startServing runs Serve on a free loopback port and returns its base URL,
// the cancel that stands in for SIGTERM, and Serve's eventual result.
func startServing(t *testing.T, s *Server) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, listener) }()
	return "http://" + listener.Addr().String(), cancel, done
}

func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	s := newTestServer(t, testConfig(), NewLogger(io.Discard, slog.LevelInfo, "test"))
	entered := make(chan struct{})
	release := make(chan struct{})
	s.mux.HandleFunc("GET /slow", func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		_, _ = w.Write([]byte("finished"))
	})
	base, stop, done := startServing(t, s)

	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		slow <- result{status: resp.StatusCode, body: string(body), err: err}
	}()
	<-entered

	stop() // what SIGTERM does in serve()
	// The listener closes promptly: new connections are refused while the
	// slow request is still running.
	deadline := time.Now().Add(2 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 100*time.Millisecond)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after shutdown began")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !s.shutting.Load() {
		t.Fatal("readiness was not switched off")
	}
	select {
	case err := <-done:
		t.Fatalf("Serve returned (%v) before the in-flight request finished", err)
	default:
	}

	close(release)
	got := <-slow
	if got.err != nil || got.status != http.StatusOK || got.body != "finished" {
		t.Fatalf("in-flight request: %+v", got)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the last request finished")
	}
}

func TestServeRefusesBadConfiguration(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"PORT": "http"}, `PORT: must be a whole number from 0 to 65535 (got "http")`},
		{map[string]string{"ACCESS_LOG": "loud"}, `ACCESS_LOG: must be one of errors, all, none (got "loud")`},
	} {
		var stdout, stderr bytes.Buffer
		code := serve(Info{Name: "svc", DefaultPort: 8080}, env(tc.vars), &stdout, &stderr)
		if code != 1 {
			t.Fatalf("%v: exit code %d, want 1", tc.vars, code)
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Fatalf("%v: stderr does not explain the problem: %q", tc.vars, stderr.String())
		}
		if stdout.Len() != 0 {
			t.Fatalf("%v: logged before refusing to start (it should not listen): %s", tc.vars, stdout.String())
		}
	}
}

func TestHealthcheckCommand(t *testing.T) {
	s := newTestServer(t, testConfig(), NewLogger(io.Discard, slog.LevelInfo, "test"))
	base, _, _ := startServing(t, s)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))

	var stderr bytes.Buffer
	if code := healthcheck(Info{Name: "svc"}, env(map[string]string{"PORT": port}), &stderr); code != 0 {
		t.Fatalf("healthcheck against a running server: exit %d, %s", code, stderr.String())
	}

	// A port nothing listens on: take a free one and close it again.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	stderr.Reset()
	if code := healthcheck(Info{Name: "svc"}, env(map[string]string{"PORT": closedPort}), &stderr); code != 1 {
		t.Fatalf("healthcheck against nothing: exit %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "svc healthcheck:") {
		t.Fatalf("stderr = %q", stderr.String())
	}
}

// sendSlowly writes the start of a request and no more to a server whose
// readTimeout is 200 ms, and returns everything the server sends before it
// closes the connection, and how long that took. The deadline sweeper ticks
// every 20 ms, so it is what enforces the timeout, as in production.
func sendSlowly(t *testing.T, partialRequest string) ([]byte, time.Duration) {
	t.Helper()
	s := newTestServer(t, testConfig(), NewLogger(io.Discard, slog.LevelInfo, "test"))
	s.readTimeout = 200 * time.Millisecond
	s.deadlineTick = 20 * time.Millisecond
	base, _, _ := startServing(t, s)

	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, partialRequest); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	started := time.Now()
	reply, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("connection still open after 5s: %v (got %q)", err, reply)
	}
	return reply, time.Since(started)
}

// A client that stops sending its body half way gets a 400 once
// readTimeout has passed, rather than holding the request open.
func TestSlowRequestBodyTimesOut(t *testing.T) {
	// 20 bytes announced, 5 sent.
	reply, waited := sendSlowly(t, "POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"nam")
	if !bytes.HasPrefix(reply, []byte("HTTP/1.1 400 ")) || !bytes.Contains(reply, []byte(`"code":"bad_request"`)) {
		t.Fatalf("want a 400 bad_request, got %q", reply)
	}
	if waited < 150*time.Millisecond {
		t.Errorf("answered after %s, before the read timeout", waited)
	}
}

// A client that stops sending its headers half way has its connection
// closed, without an answer, once readTimeout has passed.
func TestSlowRequestHeadersTimeOut(t *testing.T) {
	reply, waited := sendSlowly(t, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
	if len(reply) > 0 {
		t.Fatalf("want no answer, got %q", reply)
	}
	if waited < 150*time.Millisecond {
		t.Errorf("closed after %s, before the read timeout", waited)
	}
}

// A client may half-close the connection once it has sent its request
// (valid HTTP/1.1): it still gets its answer, and the item is stored.
func TestCreateSurvivesAClientThatHalfClosesItsConnection(t *testing.T) {
	base, _, _ := startServing(t, newTestServer(t, testConfig(), NewLogger(io.Discard, slog.LevelInfo, "test")))
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"name":"half-closed"}`
	if _, err := io.WriteString(conn, "POST /v1/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "+
		strconv.Itoa(len(body))+"\r\nConnection: close\r\n\r\n"+body); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	reply, err := io.ReadAll(conn)
	if err != nil || !bytes.HasPrefix(reply, []byte("HTTP/1.1 201 ")) {
		t.Fatalf("reply %q, %v; want 201", reply, err)
	}
}

package service

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// recordingWriter keeps each Write it gets as one chunk.
type recordingWriter struct {
	mu     sync.Mutex
	chunks []string
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.chunks = append(r.chunks, string(p))
	return len(p), nil
}

func (r *recordingWriter) written() (chunks int, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.chunks), strings.Join(r.chunks, "")
}

func TestLineWriterBatchesLines(t *testing.T) {
	out := &recordingWriter{}
	w := newLineWriter(out, time.Hour, 1024)
	for i := range 3 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if chunks, _ := out.written(); chunks != 0 {
		t.Fatalf("%d writes before a flush, want the lines held back", chunks)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if chunks, text := out.written(); chunks != 1 || text != "line 0\nline 1\nline 2\n" {
		t.Fatalf("after Flush: %d writes of %q, want the 3 lines in one write", chunks, text)
	}
}

func TestLineWriterWritesOutAFullBuffer(t *testing.T) {
	out := &recordingWriter{}
	w := newLineWriter(out, time.Hour, 20)
	line := "0123456789abcdef\n" // 17 bytes: two do not fit
	w.Write([]byte(line))
	w.Write([]byte(line))
	if chunks, text := out.written(); chunks != 1 || text != line {
		t.Fatalf("got %d writes of %q, want the first line written when the second did not fit", chunks, text)
	}
	long := strings.Repeat("x", 50) + "\n"
	w.Write([]byte(long)) // larger than the buffer: pending line first, then this one on its own
	if chunks, text := out.written(); chunks != 3 || text != line+line+long {
		t.Fatalf("got %d writes of %q", chunks, text)
	}
	if got := cap(w.buf); got > 20 {
		t.Fatalf("buffer grew to %d bytes, past its 20-byte bound", got)
	}
}

func TestLineWriterFlushesOnItsInterval(t *testing.T) {
	out := &recordingWriter{}
	w := newLineWriter(out, 10*time.Millisecond, 1024)
	defer w.Close()
	w.Write([]byte("soon\n"))
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, text := out.written(); text == "soon\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the line was not written out by the timer")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The timer re-arms for the next line.
	w.Write([]byte("later\n"))
	for {
		if _, text := out.written(); text == "soon\nlater\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the second line was not written out by the timer")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLineWriterCloseWritesEverything(t *testing.T) {
	out := &recordingWriter{}
	w := newLineWriter(out, time.Hour, 1024)
	w.Write([]byte("pending\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, text := out.written(); text != "pending\n" {
		t.Fatalf("after Close: %q", text)
	}
	// A line logged after Close (a late deferred log) still gets out, at once.
	w.Write([]byte("after\n"))
	if _, text := out.written(); text != "pending\nafter\n" {
		t.Fatalf("a write after Close: %q", text)
	}
}

func TestLineWriterKeepsConcurrentLinesWhole(t *testing.T) {
	var out syncBuffer
	w := newLineWriter(&out, time.Millisecond, 512) // small: many flushes, by size and by timer
	const writers, lines = 8, 500
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(w, "writer %d line %d %s\n", g, i, strings.Repeat("x", i%40))
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	got := strings.Split(strings.TrimSuffix(out.buf.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines out, want %d", len(got), writers*lines)
	}
	next := make([]int, writers) // each writer's lines arrive whole and in order
	for _, line := range got {
		var g, i int
		var pad string
		if _, err := fmt.Sscanf(line, "writer %d line %d %s", &g, &i, &pad); err != nil && i%40 != 0 {
			t.Fatalf("garbled line %q: %v", line, err)
		}
		if g < 0 || g >= writers || i != next[g] || line != fmt.Sprintf("writer %d line %d %s", g, i, strings.Repeat("x", i%40)) {
			t.Fatalf("unexpected line %q (want writer %d's line %d)", line, g, next[g])
		}
		next[g]++
	}
}

// A graceful stop (SIGTERM) and every error return of serve must leave no
// log line behind in the buffer: the process exits right after.
func TestServeWritesEveryLogLineBeforeReturning(t *testing.T) {
	self, err := os.FindProcess(os.Getpid())
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("needs a process that can signal itself")
	}
	var stdout, stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- serve(Info{Name: "svc"}, env(map[string]string{"PORT": "0", "HOST": "127.0.0.1"}), &stdout, &stderr)
	}()

	// Wait for the "listening" line (it may take a flush interval to show).
	var address string
	for deadline := time.Now().Add(5 * time.Second); address == ""; {
		for _, entry := range stdout.lines(t) {
			if entry["msg"] == "listening" {
				address, _ = entry["address"].(string)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line; stderr %q", stderr.buf.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	ts := &testService{url: "http://" + address}
	ts.do(t, "GET", "/v1/items/last-one", "", map[string]string{"X-Request-Id": "last-request"})
	// serve listens for SIGTERM before it logs "listening", so this stops it
	// as Kubernetes would, and does not kill the test.
	if err := self.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if c := <-code; c != 0 {
		t.Fatalf("exit code %d, stderr %q", c, stderr.buf.String())
	}

	// No waiting: what is not written when serve returns is lost at exit.
	entries := stdout.lines(t)
	var requestLogged bool
	for _, entry := range entries {
		requestLogged = requestLogged || entry["requestId"] == "last-request"
	}
	if !requestLogged || entries[len(entries)-1]["msg"] != "shutdown complete" {
		t.Fatalf("lines missing at exit: %s", stdout.buf.String())
	}
}

func TestServeWritesTheErrorLineBeforeFailing(t *testing.T) {
	busy, _, _ := startServing(t, newTestServer(t, testConfig(), NewLogger(io.Discard, levelSilent, "test")))
	port := busy[strings.LastIndex(busy, ":")+1:]
	var stdout, stderr syncBuffer
	if code := serve(Info{Name: "svc"}, env(map[string]string{"PORT": port, "HOST": "127.0.0.1"}), &stdout, &stderr); code != 1 {
		t.Fatalf("exit code %d, want 1 (the port is taken)", code)
	}
	if !strings.Contains(stdout.buf.String(), `"msg":"cannot listen"`) {
		t.Fatalf("the error line is not on stdout when serve returns: %q", stdout.buf.String())
	}
}

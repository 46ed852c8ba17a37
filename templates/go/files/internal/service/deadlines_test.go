package service

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"
)

const testTick = 10 * time.Millisecond

// sweptPair returns both ends of a loopback connection: the server's, as
// accepted by a sweptListener ticking every testTick, and the client's.
func sweptPair(t *testing.T) (*sweptListener, *sweptConn, net.Conn) {
	t.Helper()
	return sweptPairTicking(t, testTick)
}

func sweptPairTicking(t *testing.T, tick time.Duration) (*sweptListener, *sweptConn, net.Conn) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listener := newSweptListener(inner, tick)
	t.Cleanup(func() { _ = listener.Close() })
	client, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	server, err := listener.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Close() })
	return listener, server.(*sweptConn), client
}

// readDeadline is conn's read deadline as the sweeper sees it.
func readDeadline(conn *sweptConn) sweptDeadline {
	conn.mu.Lock()
	defer conn.mu.Unlock()
	return conn.read
}

// readTimesOut reads from conn and fails unless the read ends in a deadline
// error; it returns how long the read took.
func readTimesOut(t *testing.T, conn net.Conn) time.Duration {
	t.Helper()
	started := time.Now()
	n, err := conn.Read(make([]byte, 16))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read %d bytes, err %v; want a deadline error", n, err)
	}
	return time.Since(started)
}

// readGets reads from conn, which must give want.
func readGets(t *testing.T, conn net.Conn, want string) {
	t.Helper()
	buf := make([]byte, 16)
	n, err := conn.Read(buf)
	if err != nil || string(buf[:n]) != want {
		t.Fatalf("read %q, %v; want %q", buf[:n], err, want)
	}
}

func TestSweptReadDeadlineFiresOnTime(t *testing.T) {
	_, server, _ := sweptPair(t)
	if err := server.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if d := readDeadline(server); d.due == 0 || d.onSocket {
		t.Fatalf("a deadline 10 ticks away should be the sweeper's: %+v", d)
	}
	waited := readTimesOut(t, server)
	if waited < 90*time.Millisecond || waited > time.Second {
		t.Errorf("read timed out after %s, want 100 ms and at most a tick or so later", waited)
	}
}

func TestSweptWriteDeadlineFiresOnTime(t *testing.T) {
	_, server, _ := sweptPair(t)
	// The client reads nothing, so the writes block once the socket
	// buffers are full.
	if err := server.SetWriteDeadline(time.Now().Add(150 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	chunk := make([]byte, 1<<20)
	var err error
	for err == nil && time.Since(started) < 5*time.Second {
		_, err = server.Write(chunk)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write error %v, want a deadline error", err)
	}
	if waited := time.Since(started); waited < 140*time.Millisecond || waited > time.Second {
		t.Errorf("write timed out after %s, want 150 ms and at most a tick or so later", waited)
	}
}

func TestSweptDeadlineMovesAndClears(t *testing.T) {
	_, server, client := sweptPair(t)

	// Moved later before it passes: the later one counts.
	started := time.Now()
	_ = server.SetReadDeadline(started.Add(50 * time.Millisecond))
	_ = server.SetReadDeadline(started.Add(200 * time.Millisecond))
	readTimesOut(t, server)
	if waited := time.Since(started); waited < 190*time.Millisecond {
		t.Errorf("read timed out after %s, before the moved deadline", waited)
	}

	// Cleared before it passes: no timeout, however long the wait.
	_ = server.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_ = server.SetReadDeadline(time.Time{})
	go func() {
		time.Sleep(150 * time.Millisecond)
		_, _ = client.Write([]byte("late"))
	}()
	readGets(t, server, "late")
}

// net/http aborts a pending read by setting a deadline in the past, then
// clears it: both must reach the socket at once.
func TestPastAndNearDeadlinesAreExact(t *testing.T) {
	// A long tick: whether a deadline is near is judged against the last
	// sweep, and on a busy machine a 10 ms sweeper runs late by more than a
	// tick, which made a near deadline look far.
	const tick = 500 * time.Millisecond
	listener, server, client := sweptPairTicking(t, tick)

	pending := make(chan error, 1)
	go func() {
		_, err := server.Read(make([]byte, 16))
		pending <- err
	}()
	time.Sleep(20 * time.Millisecond)
	_ = server.SetReadDeadline(time.Unix(1, 0))
	select {
	case err := <-pending:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("pending read ended with %v, want a deadline error", err)
		}
	case <-time.After(time.Second):
		t.Fatal("a past deadline did not end the pending read")
	}
	_ = server.SetReadDeadline(time.Time{})
	_, _ = client.Write([]byte("next"))
	readGets(t, server, "next")

	// Under two ticks away from the last sweep: the socket's own deadline,
	// not the sweeper's. It fires by itself; no sweep is due for a tick.
	listener.sweep(time.Since(listener.start))
	_ = server.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if d := readDeadline(server); d.due != 0 || !d.onSocket {
		t.Fatalf("a deadline 20 ms away should be on the socket: %+v", d)
	}
	readTimesOut(t, server)
}

func TestExpiredDeadlineIsLiftedByTheNextOne(t *testing.T) {
	_, server, client := sweptPair(t)
	_ = server.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	readTimesOut(t, server)

	// The sweeper left an expired deadline on the socket; a new far one
	// replaces it, so the connection reads again.
	_ = server.SetReadDeadline(time.Now().Add(time.Minute))
	_, _ = client.Write([]byte("again"))
	readGets(t, server, "again")
}

func TestSweeperStopsOnceListenerAndConnectionsAreClosed(t *testing.T) {
	listener, server, _ := sweptPair(t)
	if err := listener.Close(); err != nil {
		t.Fatal(err)
	}
	// A connection still open (draining at shutdown) keeps its deadlines.
	_ = server.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	readTimesOut(t, server)
	select {
	case <-listener.done:
		t.Fatal("the sweeper stopped while a connection was open")
	default:
	}

	_ = server.Close()
	select {
	case <-listener.done:
	case <-time.After(time.Second):
		t.Fatal("the sweeper still runs after everything closed")
	}
}

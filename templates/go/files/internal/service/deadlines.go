package service

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// With ReadTimeout, WriteTimeout and IdleTimeout set, net/http changes a
// connection's deadlines about six times per request (the read deadline as
// the request starts, cleared once its body is read, set again while the
// connection idles; the write deadline after the headers are read, cleared
// after the answer). On a *net.TCPConn each change arms or stops a runtime
// timer, and for a small request that is 6-8 % of its CPU time.
//
// sweptListener's connections keep a deadline that is at least two ticks
// away to themselves instead, and one goroutine per listener looks at them
// every tick and expires, on the socket, those that have passed. Such a
// deadline fires up to a tick late, which is nothing next to timeouts of
// tens of seconds. Nearer deadlines, past ones included (net/http aborts a
// pending read by setting one), go to the socket as they are and are exact.

// expiredDeadline is a deadline that has passed: on a socket it fails
// pending and later reads or writes at once.
var expiredDeadline = time.Unix(1, 0)

type sweptListener struct {
	net.Listener
	tick  time.Duration
	start time.Time    // the origin of the durations below (monotonic)
	now   atomic.Int64 // time.Since(start) at the last sweep, in ns

	mu     sync.Mutex
	conns  map[*sweptConn]struct{}
	closed bool
	done   chan struct{} // closed when the sweeper has stopped
}

// newSweptListener wraps l and starts its sweeper, which stops once l is
// closed and every connection it accepted is closed too (net/http closes
// the listener first when it shuts down, then the connections).
func newSweptListener(l net.Listener, tick time.Duration) *sweptListener {
	s := &sweptListener{
		Listener: l,
		tick:     tick,
		start:    time.Now(),
		conns:    make(map[*sweptConn]struct{}),
		done:     make(chan struct{}),
	}
	go s.sweepEvery()
	return s
}

func (l *sweptListener) sweepEvery() {
	defer close(l.done)
	ticker := time.NewTicker(l.tick)
	defer ticker.Stop()
	for range ticker.C {
		if l.sweep(time.Since(l.start)) {
			return
		}
	}
}

// sweep expires the deadlines that have passed by now, and reports whether
// the sweeper can stop.
func (l *sweptListener) sweep(now time.Duration) (stop bool) {
	l.now.Store(int64(now))
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		c.expire(now)
	}
	return l.closed && len(l.conns) == 0
}

func (l *sweptListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &sweptConn{Conn: conn, listener: l}
	l.mu.Lock()
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	return c, nil
}

func (l *sweptListener) Close() error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	return l.Listener.Close()
}

type sweptConn struct {
	net.Conn
	listener *sweptListener

	mu          sync.Mutex
	read, write sweptDeadline
}

// sweptDeadline is one direction's deadline.
type sweptDeadline struct {
	due      time.Duration // when it passes, since listener.start; 0: none for the sweeper
	onSocket bool          // the socket has a deadline (a near one, or one the sweeper expired)
}

func (c *sweptConn) SetReadDeadline(t time.Time) error {
	return c.setDeadline(&c.read, t, c.Conn.SetReadDeadline)
}

func (c *sweptConn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline(&c.write, t, c.Conn.SetWriteDeadline)
}

func (c *sweptConn) SetDeadline(t time.Time) error {
	readErr := c.SetReadDeadline(t)
	if err := c.SetWriteDeadline(t); err != nil {
		return err
	}
	return readErr
}

func (c *sweptConn) setDeadline(d *sweptDeadline, t time.Time, onSocket func(time.Time) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.listener
	// t.Sub uses the monotonic clock, as net/http's deadlines come from
	// time.Now, so a change of the wall clock moves no deadline.
	if !t.IsZero() {
		if due := t.Sub(l.start); due >= time.Duration(l.now.Load())+2*l.tick {
			d.due = due
			if !d.onSocket {
				return nil
			}
			d.onSocket = false
			return onSocket(time.Time{})
		}
	}
	// No deadline, or a near one: the socket's own.
	d.due = 0
	if t.IsZero() && !d.onSocket {
		return nil
	}
	d.onSocket = !t.IsZero()
	return onSocket(t)
}

// expire sets an expired deadline on the socket for each direction whose
// deadline has passed by now.
func (c *sweptConn) expire(now time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.read.due != 0 && c.read.due <= now {
		c.read = sweptDeadline{onSocket: true}
		_ = c.Conn.SetReadDeadline(expiredDeadline)
	}
	if c.write.due != 0 && c.write.due <= now {
		c.write = sweptDeadline{onSocket: true}
		_ = c.Conn.SetWriteDeadline(expiredDeadline)
	}
}

func (c *sweptConn) Close() error {
	c.listener.mu.Lock()
	delete(c.listener.conns, c)
	c.listener.mu.Unlock()
	return c.Conn.Close()
}

// CloseWrite and ReadFrom keep what net/http looks for on a *net.TCPConn:
// a half close, so a client reads an error answer before the connection
// resets, and sendfile for files.
func (c *sweptConn) CloseWrite() error {
	if half, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return half.CloseWrite()
	}
	return nil
}

func (c *sweptConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(c.Conn, r)
}

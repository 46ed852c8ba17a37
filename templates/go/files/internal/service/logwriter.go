package service

import (
	"io"
	"sync"
	"time"
)

// Log lines are batched: one write(2) per access line costs a system call
// per logged request (every request with ACCESS_LOG=all), a large share of
// a small request's CPU. lineWriter gathers
// lines in memory and writes them out together.
const (
	// logFlushInterval bounds how long a line waits before it reaches
	// stdout: short enough for `kubectl logs -f` and tests reading stdout.
	logFlushInterval = 25 * time.Millisecond
	// logBufferSize bounds the memory held by pending lines; a full buffer
	// is written out at once.
	logBufferSize = 32 << 10
)

// lineWriter buffers whole writes (slog's handlers write exactly one
// complete line per Write call) and passes them to out in batches: when
// interval has passed since the first pending line, when the next line
// would not fit in size bytes, on Flush and on Close. A write is never
// split or interleaved with another, and a line larger than the buffer is
// written on its own. It is safe for concurrent use.
//
// Writes to out happen under the lock: if out blocks (a full pipe), writers
// block too, as they would writing to out directly, and memory stays
// bounded. Lines still pending when the process dies without Close (a
// SIGKILL, an unrecovered panic in another goroutine) are lost, so Close it
// on every way out of the program.
type lineWriter struct {
	out      io.Writer
	interval time.Duration
	size     int

	mu     sync.Mutex
	buf    []byte
	timer  *time.Timer // flushes the pending lines interval after the first
	armed  bool        // timer is running (or its flush is waiting for mu)
	closed bool        // after Close, writes go straight to out
}

func newLineWriter(out io.Writer, interval time.Duration, size int) *lineWriter {
	w := &lineWriter{out: out, interval: interval, size: size, buf: make([]byte, 0, size)}
	// Armed only while lines are pending, so an idle service never wakes up.
	w.timer = time.AfterFunc(time.Hour, w.flushOnTimer)
	w.timer.Stop()
	return w
}

// Write buffers p, writing out what is pending first if p would not fit.
// An error from that write is returned, and p is dropped with the batch,
// as a failed direct write would lose it.
func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.out.Write(p)
	}
	if len(w.buf)+len(p) > w.size {
		if err := w.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > w.size {
			return w.out.Write(p)
		}
	}
	w.buf = append(w.buf, p...)
	if !w.armed {
		w.armed = true
		w.timer.Reset(w.interval)
	}
	return len(p), nil
}

// Flush writes out every pending line now.
func (w *lineWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

// Close writes out every pending line and stops batching: later writes go
// straight to out, so a line logged after Close is not lost either.
func (w *lineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	w.timer.Stop()
	w.armed = false
	return w.flushLocked()
}

func (w *lineWriter) flushOnTimer() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed = false
	// Nobody is there to hear an error; the next batch tries again.
	_ = w.flushLocked()
}

func (w *lineWriter) flushLocked() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.out.Write(w.buf)
	// Written or failed, the batch is done: keeping a failed one would grow
	// without bound while out is broken.
	w.buf = w.buf[:0]
	return err
}

// Package forward carries TCP connections accepted on one listener to a local address,
// entirely inside Go: the bytes never cross into the host program. It has no cgo and no
// tailnet code, so it builds and is tested on every platform (GOOS=darwin included).
package forward

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Stats are a mapping's counters. Bytes are counted as they are written to the other side.
type Stats struct {
	Active   int64  `json:"active"`
	Total    int64  `json:"total"`
	Refused  int64  `json:"refused"`
	BytesIn  int64  `json:"bytesIn"`  // from the tailnet to the local service
	BytesOut int64  `json:"bytesOut"` // from the local service to the tailnet
	LastErr  string `json:"lastError,omitempty"`
	LastPeer string `json:"lastClient,omitempty"`
}

// Mapping forwards every connection accepted on a listener to Target.
type Mapping struct {
	ln     net.Listener
	target string
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	logf   func(format string, args ...any)

	active, total, refused, bytesIn, bytesOut atomic.Int64

	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	lastErr  string
	lastPeer string
	closed   bool
	done     chan struct{}
}

// DialTimeout bounds the connection to the local service: a local port either answers or
// refuses at once, so a long wait means something is wrong with it.
const DialTimeout = 5 * time.Second

// Start serves ln until Close. Each accepted connection is joined to a new connection to
// target (a "host:port" on this machine). logf may be nil.
func Start(ln net.Listener, target string, logf func(string, ...any)) *Mapping {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	d := &net.Dialer{Timeout: DialTimeout}
	m := &Mapping{ln: ln, target: target, dial: d.DialContext, logf: logf, conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
	go m.serve()
	return m
}

// Stats returns a snapshot of the mapping's counters.
func (m *Mapping) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{
		Active: m.active.Load(), Total: m.total.Load(), Refused: m.refused.Load(),
		BytesIn: m.bytesIn.Load(), BytesOut: m.bytesOut.Load(),
		LastErr: m.lastErr, LastPeer: m.lastPeer,
	}
}

// Bytes is every byte the mapping has delivered, both ways; cheaper than Stats (no lock).
func (m *Mapping) Bytes() int64 { return m.bytesIn.Load() + m.bytesOut.Load() }

// Close stops accepting, closes every connection of the mapping (both sides) and waits
// until the accept loop has returned.
func (m *Mapping) Close() error {
	m.mu.Lock()
	m.closed = true
	conns := m.conns
	m.conns = map[net.Conn]struct{}{}
	m.mu.Unlock()
	err := m.ln.Close()
	for c := range conns {
		c.Close()
	}
	<-m.done
	return err
}

func (m *Mapping) setErr(err error) {
	m.mu.Lock()
	m.lastErr = err.Error()
	m.mu.Unlock()
}

// track registers c so Close can end it; false when the mapping is already closed.
func (m *Mapping) track(c net.Conn) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	m.conns[c] = struct{}{}
	return true
}

func (m *Mapping) untrack(c net.Conn) {
	m.mu.Lock()
	delete(m.conns, c)
	m.mu.Unlock()
}

func (m *Mapping) serve() {
	defer close(m.done)
	var backoff time.Duration
	for {
		c, err := m.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || m.isClosed() {
				return
			}
			// Out of fds, a transient netstack error: wait and retry instead of spinning.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			m.setErr(err)
			m.logf("accept on %v: %v; retrying in %v", m.ln.Addr(), err, backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		go m.handle(c)
	}
}

func (m *Mapping) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

func (m *Mapping) handle(remote net.Conn) {
	if !m.track(remote) {
		remote.Close()
		return
	}
	m.total.Add(1)
	m.mu.Lock()
	m.lastPeer = remote.RemoteAddr().String()
	m.mu.Unlock()
	defer m.untrack(remote)
	defer remote.Close()

	ctx, cancel := context.WithTimeout(context.Background(), DialTimeout)
	local, err := m.dial(ctx, "tcp", m.target)
	cancel()
	if err != nil {
		// The local service is not there: end the tailnet side now, not after a timeout.
		m.refused.Add(1)
		m.setErr(err)
		return
	}
	if !m.track(local) {
		local.Close()
		return
	}
	defer m.untrack(local)
	defer local.Close()

	m.active.Add(1)
	defer m.active.Add(-1)
	Join(remote, local, &m.bytesIn, &m.bytesOut, m.setErr)
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

type closeWriter interface{ CloseWrite() error }

// Join copies a→b and b→a until both directions have ended. An end of stream on one side is
// passed on as a half-close (CloseWrite) of the other; an error in either direction closes
// both connections, which ends the other direction too. The caller closes a and b afterwards.
// aToB and bToA count the bytes delivered; onErr (may be nil) hears about real failures.
func Join(a, b net.Conn, aToB, bToA *atomic.Int64, onErr func(error)) {
	errs := make(chan error, 2)
	pipe := func(dst, src net.Conn, n *atomic.Int64) {
		err := copyCounting(dst, src, n)
		if err == nil {
			if cw, ok := dst.(closeWriter); ok {
				if cw.CloseWrite() == nil {
					errs <- nil
					return
				}
			}
			// No half-close on this side: the only way to say "done" is to end it.
		}
		a.Close()
		b.Close()
		errs <- err
	}
	go pipe(b, a, aToB)
	go pipe(a, b, bToA)
	// Only the first failure is the cause; the other direction then fails because of the teardown.
	reported := false
	for range 2 {
		if err := <-errs; err != nil && !reported && onErr != nil && !errors.Is(err, net.ErrClosed) {
			onErr(err)
			reported = true
		}
	}
}

// copyCounting is io.Copy with a pooled buffer and a live byte count. Read errors of EOF end
// the copy cleanly; anything else is returned.
func copyCounting(dst io.Writer, src io.Reader, n *atomic.Int64) error {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	for {
		nr, rerr := src.Read(buf)
		if nr > 0 {
			nw, werr := dst.Write(buf[:nr])
			n.Add(int64(nw))
			if werr != nil {
				return werr
			}
			if nw != nr {
				return io.ErrShortWrite
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

package forward

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"testing"
	"time"
)

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// echo serves one echo server that answers every byte and half-closes after the client does.
func echo(t *testing.T) string {
	ln := listen(t)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
				c.(*net.TCPConn).CloseWrite()
			}()
		}
	}()
	return ln.Addr().String()
}

func TestHalfCloseAndCounters(t *testing.T) {
	front := listen(t)
	m := Start(front, echo(t), t.Logf)
	defer m.Close()

	c, err := net.Dial("tcp", front.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	payload := make([]byte, 3<<20)
	rand.Read(payload)
	go func() {
		c.Write(payload)
		c.(*net.TCPConn).CloseWrite() // the echo only ends once this reaches it through the bridge
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, payload) {
		t.Fatalf("echo differs: got %d bytes, sent %d", len(got), len(payload))
	}
	waitFor(t, func() bool { return m.Stats().Active == 0 })
	s := m.Stats()
	if s.Total != 1 || s.BytesIn != int64(len(payload)) || s.BytesOut != int64(len(payload)) {
		t.Fatalf("stats %+v", s)
	}
}

func TestRefusedLocalPortClosesAtOnce(t *testing.T) {
	dead := listen(t)
	target := dead.Addr().String()
	dead.Close()
	front := listen(t)
	m := Start(front, target, t.Logf)
	defer m.Close()

	c, err := net.Dial("tcp", front.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(DialTimeout / 2)) // a refusal must not wait for the dial timeout
	if n, err := c.Read(make([]byte, 1)); err == nil || n != 0 {
		t.Fatalf("read %d bytes, err %v: the tailnet side should have been closed", n, err)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the tailnet side stayed open after the local port refused")
	}
	waitFor(t, func() bool { return m.Stats().Refused == 1 })
	if m.Stats().LastErr == "" {
		t.Fatal("no lastError after a refusal")
	}
}

func TestCloseEndsLiveConnections(t *testing.T) {
	front := listen(t)
	m := Start(front, echo(t), t.Logf)
	c, err := net.Dial("tcp", front.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("x"))
	io.ReadFull(c, make([]byte, 1))
	if m.Stats().Active != 1 {
		t.Fatalf("active = %d, want 1", m.Stats().Active)
	}
	m.Close()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection still open after Close")
	}
	waitFor(t, func() bool { return m.Stats().Active == 0 })
	if _, err := net.Dial("tcp", front.Addr().String()); err == nil {
		t.Fatal("still accepting after Close")
	}
}

// A client that resets mid-transfer tears down the local side too.
func TestResetTearsDownBothSides(t *testing.T) {
	local := listen(t)
	defer local.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := local.Accept()
		accepted <- c
	}()
	front := listen(t)
	m := Start(front, local.Addr().String(), t.Logf)
	defer m.Close()
	c, err := net.Dial("tcp", front.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("hello"))
	svc := <-accepted
	defer svc.Close()
	io.ReadFull(svc, make([]byte, 5))
	c.(*net.TCPConn).SetLinger(0)
	c.Close() // RST
	svc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := svc.Read(make([]byte, 1)); err == nil {
		t.Fatal("local side got data instead of an end")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("local side still open after the client reset")
	}
	waitFor(t, func() bool { return m.Stats().Active == 0 })
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if ok() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met in 5 s")
}

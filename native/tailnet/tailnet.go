// Command tailnet is built with -buildmode=c-archive into the C library hsr_tailnet.h
// describes: tsnet nodes driven through a handle, with port forwards that run in Go.
package main

/*
#include <stdlib.h>
#include "hsr_tailnet.h"

static inline void hsr_call(hsr_event_fn fn, long long node, char *json) { fn(node, json); }
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"headscale-remote/native/forward"
	"tailscale.com/client/local"
	"tailscale.com/envknob"
	"tailscale.com/ipn"
	"tailscale.com/logtail"
	"tailscale.com/tsnet"
)

func init() {
	// Nothing of ours is ever uploaded to Tailscale's log service.
	envknob.SetNoLogsNoSupport()
	logtail.Disable()
	// A tailnet peer that vanished without a word (a laptop closed) would otherwise hold its
	// bridged connection, and the local fd, for netstack's default of two hours.
	if os.Getenv("TS_NETSTACK_KEEPALIVE_IDLE") == "" {
		envknob.Setenv("TS_NETSTACK_KEEPALIVE_IDLE", "5m")
	}
}

func main() {}

var (
	callbackMu sync.RWMutex
	callback   C.hsr_event_fn

	nodesMu sync.Mutex
	nodes   = map[int64]*node{}
	nextID  int64
)

// The events the host's callback receives, as JSON, one kind per type so that each carries
// exactly its own fields (the addon's reader requires them).
type (
	// bareEvent is "started" (tsnet is up and its local client answers) or "closed".
	bareEvent struct {
		Type string `json:"type"`
	}
	// logEvent is one line of tsnet's own log.
	logEvent struct {
		Type string `json:"type"` // "log"
		Text string `json:"text"`
	}
	// messageEvent is "startFailed" (never after "started") or "refused" (the control server's word).
	messageEvent struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	// stateEvent is the node's backend state, with the addresses it has now ("" when none).
	stateEvent struct {
		Type  string `json:"type"` // "state"
		State string `json:"state"`
		IPv4  string `json:"ipv4"`
		IPv6  string `json:"ipv6"`
	}
)

// nodeStatus is what hsr_node_status returns.
type nodeStatus struct {
	State        string          `json:"state"`
	Error        string          `json:"error,omitempty"`
	Hostname     string          `json:"hostname,omitempty"`
	IPv4         string          `json:"ipv4"`
	IPv6         string          `json:"ipv6"`
	Relay        string          `json:"relay,omitempty"`
	RelayProblem string          `json:"relayProblem,omitempty"`
	Forwards     []forwardStatus `json:"forwards"`
}

// emit hands one event of node id to the host's callback, if one is set.
func emit(id int64, event any) {
	b, _ := json.Marshal(event)
	callbackMu.RLock()
	defer callbackMu.RUnlock()
	if callback == nil {
		return
	}
	cs := C.CString(string(b))
	C.hsr_call(callback, C.longlong(id), cs)
	C.free(unsafe.Pointer(cs))
}

type config struct {
	Dir        string `json:"dir"`
	Hostname   string `json:"hostname"`
	ControlURL string `json:"controlUrl"`
	AuthKey    string `json:"authKey"`
	Ephemeral  bool   `json:"ephemeral"`
	Verbose    bool   `json:"verbose"`
}

type node struct {
	id  int64
	srv *tsnet.Server

	ctx    context.Context // ends when the node is closed
	cancel context.CancelFunc

	mu       sync.Mutex
	started  chan struct{} // closed once Start has returned (well or not)
	startOK  bool          // Start succeeded: only then may tsnet's backend be asked anything
	upCalled bool
	closing  bool
	state    string
	forwards map[int]*fwd
}

type fwd struct {
	localPort int
	m         *forward.Mapping
}

func (n *node) logf(format string, args ...any) {
	emit(n.id, logEvent{"log", fmt.Sprintf(format, args...)})
}

// errText is err for the host, as a C string it frees, prefixed "tailnet: " as every error of
// this library is; nil for no error.
func errText(err error) *C.char {
	if err == nil {
		return nil
	}
	return C.CString("tailnet: " + err.Error())
}

func lookup(id C.longlong) (*node, error) {
	nodesMu.Lock()
	defer nodesMu.Unlock()
	n := nodes[int64(id)]
	if n == nil {
		return nil, fmt.Errorf("no node %d (closed?)", int64(id))
	}
	return n, nil
}

// hsr_set_event_callback sets (or, with nil, removes) the one callback every event goes to.
//
//export hsr_set_event_callback
func hsr_set_event_callback(fn C.hsr_event_fn) {
	callbackMu.Lock()
	callback = fn
	callbackMu.Unlock()
}

// hsr_node_new makes a node from its JSON config and returns its handle, or 0 with *errOut set.
//
//export hsr_node_new
func hsr_node_new(configJSON *C.char, errOut **C.char) C.longlong {
	var cfg config
	if err := json.Unmarshal([]byte(C.GoString(configJSON)), &cfg); err != nil {
		*errOut = errText(fmt.Errorf("node config: %w", err))
		return 0
	}
	if cfg.Dir == "" || cfg.Hostname == "" || cfg.ControlURL == "" {
		*errOut = errText(errors.New("node config needs dir, hostname and controlUrl"))
		return 0
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		*errOut = errText(err)
		return 0
	}
	// Parts of tailscale (logpolicy.LogsDir) otherwise keep files in /var/lib/tailscale when run
	// as root. The folder must exist to be used. One node per helper, so process-wide is fine.
	logsDir := filepath.Join(cfg.Dir, "logs")
	if err := os.MkdirAll(logsDir, 0o700); err != nil {
		*errOut = errText(err)
		return 0
	}
	envknob.Setenv("TS_LOGS_DIR", logsDir)
	startMemoryKeeping()

	nodesMu.Lock()
	nextID++
	n := &node{id: nextID, started: make(chan struct{}), forwards: map[int]*fwd{}, state: "NoState"}
	nodes[n.id] = n
	nodesMu.Unlock()

	n.ctx, n.cancel = context.WithCancel(context.Background())
	n.srv = &tsnet.Server{
		Dir:        cfg.Dir,
		Hostname:   cfg.Hostname,
		ControlURL: cfg.ControlURL,
		AuthKey:    cfg.AuthKey,
		Ephemeral:  cfg.Ephemeral,
		UserLogf:   n.logf,
	}
	if cfg.Verbose {
		n.srv.Logf = n.logf
	}
	return C.longlong(n.id)
}

// hsr_node_up starts the node in the background; progress arrives as events.
//
//export hsr_node_up
func hsr_node_up(id C.longlong) *C.char {
	n, err := lookup(id)
	if err != nil {
		return errText(err)
	}
	n.mu.Lock()
	if n.upCalled || n.closing {
		n.mu.Unlock()
		return errText(errors.New("node is already up or closing"))
	}
	n.upCalled = true
	n.mu.Unlock()
	go n.run()
	return nil
}

// run starts the node, then follows its backend state until the node is closed.
func (n *node) run() {
	defer func() {
		// A panic here would end the host program: report it as the node's failure instead.
		if r := recover(); r != nil {
			emit(n.id, messageEvent{"startFailed", fmt.Sprint("tailnet: node panicked: ", r)})
		}
	}()
	err := n.srv.Start()
	n.mu.Lock()
	n.startOK = err == nil
	n.mu.Unlock()
	close(n.started)
	var lc *local.Client
	if err == nil {
		// Asked before "started" is said: a failure here is the start's, so startFailed can
		// never follow started.
		lc, err = n.srv.LocalClient()
	}
	if err != nil {
		n.setState("Failed")
		emit(n.id, messageEvent{"startFailed", "tailnet: " + err.Error()})
		return
	}
	applyTCPBufferKnobs(n.srv, n.logf)
	emit(n.id, bareEvent{"started"})
	// A watcher that falls behind is closed by tsnet: watch again for as long as the node lives.
	for n.ctx.Err() == nil {
		n.watch(lc)
		select {
		case <-n.ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (n *node) watch(lc *local.Client) {
	watcher, err := lc.WatchIPNBus(n.ctx, ipn.NotifyInitialState|ipn.NotifyRateLimit)
	if err != nil {
		return
	}
	defer watcher.Close()
	for {
		note, err := watcher.Next()
		if err != nil {
			return
		}
		if note.ErrMessage != nil {
			// The control server's word on this node: most often its key was refused.
			emit(n.id, messageEvent{"refused", *note.ErrMessage})
		}
		if note.State != nil {
			n.setState(note.State.String())
		} else if note.NetMap != nil {
			n.setState(n.currentState()) // the addresses may have changed
		}
	}
}

func (n *node) currentState() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.state
}

func (n *node) setState(state string) {
	n.mu.Lock()
	n.state = state
	n.mu.Unlock()
	ip4, ip6 := n.ips()
	emit(n.id, stateEvent{"state", state, ip4, ip6})
}

func (n *node) ips() (string, string) {
	n.mu.Lock()
	ok := n.startOK
	n.mu.Unlock()
	if !ok {
		return "", ""
	}
	ip4, ip6 := n.srv.TailscaleIPs()
	s := func(a interface {
		IsValid() bool
		String() string
	}) string {
		if !a.IsValid() {
			return ""
		}
		return a.String()
	}
	return s(ip4), s(ip6)
}

// hsr_node_close closes the node and its forwards, then sends "closed"; safe more than once.
//
//export hsr_node_close
func hsr_node_close(id C.longlong) *C.char {
	n, err := lookup(id)
	if err != nil {
		return errText(err)
	}
	n.mu.Lock()
	if n.closing {
		n.mu.Unlock()
		return nil
	}
	n.closing = true
	upCalled := n.upCalled
	forwards := n.forwards
	n.forwards = map[int]*fwd{}
	n.mu.Unlock()
	n.cancel() // ends a pending wait for the tailnet at once
	go func() {
		for _, f := range forwards {
			f.m.Close()
		}
		if upCalled {
			<-n.started // tsnet may not be closed while it starts; starting is local and quick
			n.srv.Close()
		}
		nodesMu.Lock()
		delete(nodes, n.id)
		nodesMu.Unlock()
		emit(n.id, bareEvent{"closed"})
	}()
	return nil
}

// hsr_forward_add forwards the node's tailnet port to 127.0.0.1:localPort, inside Go.
//
//export hsr_forward_add
func hsr_forward_add(id C.longlong, tailnetPort, localPort C.int) *C.char {
	n, err := lookup(id)
	if err != nil {
		return errText(err)
	}
	if tailnetPort < 1 || tailnetPort > 65535 || localPort < 1 || localPort > 65535 {
		return errText(fmt.Errorf("ports must be 1–65535 (tailnet %d, local %d)", tailnetPort, localPort))
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.startOK {
		return errText(errors.New("the node has not started yet"))
	}
	if n.closing {
		return errText(errors.New("the node is closing"))
	}
	if _, taken := n.forwards[int(tailnetPort)]; taken {
		return errText(fmt.Errorf("tailnet port %d is already forwarded", tailnetPort))
	}
	ln, err := n.srv.Listen("tcp", ":"+strconv.Itoa(int(tailnetPort)))
	if err != nil {
		return errText(err)
	}
	target := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(localPort)))
	logf := func(format string, args ...any) {
		n.logf("forward %d→%d: "+format, append([]any{tailnetPort, localPort}, args...)...)
	}
	n.forwards[int(tailnetPort)] = &fwd{localPort: int(localPort), m: forward.Start(ln, target, logf)}
	return nil
}

// hsr_forward_remove stops one forward and closes its connections.
//
//export hsr_forward_remove
func hsr_forward_remove(id C.longlong, tailnetPort C.int) *C.char {
	n, err := lookup(id)
	if err != nil {
		return errText(err)
	}
	n.mu.Lock()
	f := n.forwards[int(tailnetPort)]
	delete(n.forwards, int(tailnetPort))
	n.mu.Unlock()
	if f == nil {
		return errText(fmt.Errorf("tailnet port %d is not forwarded", tailnetPort))
	}
	f.m.Close()
	return nil
}

type forwardStatus struct {
	TailnetPort int `json:"tailnetPort"`
	LocalPort   int `json:"localPort"`
	forward.Stats
}

// hsr_node_status is the node's state, addresses, relay and per-forward counters, as JSON.
//
//export hsr_node_status
func hsr_node_status(id C.longlong) *C.char {
	n, err := lookup(id)
	if err != nil {
		b, _ := json.Marshal(nodeStatus{State: "Closed", Error: err.Error(), Forwards: []forwardStatus{}})
		return C.CString(string(b))
	}
	out := nodeStatus{}
	out.IPv4, out.IPv6 = n.ips()
	out.Relay, out.RelayProblem = n.relayView()
	n.mu.Lock()
	out.State, out.Hostname = n.state, n.srv.Hostname
	list := make([]forwardStatus, 0, len(n.forwards))
	for port, f := range n.forwards {
		list = append(list, forwardStatus{TailnetPort: port, LocalPort: f.localPort, Stats: f.m.Stats()})
	}
	n.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].TailnetPort < list[j].TailnetPort })
	out.Forwards = list
	b, _ := json.Marshal(out)
	return C.CString(string(b))
}

// relayView is the node's relay as tsnet sees it: the DERP region it chose as home, and what its
// health checks say about relay servers (a relay it cannot talk to, over plain HTTP say).
// Bounded by a short timeout, as the caller waits on the JS thread.
func (n *node) relayView() (region, problem string) {
	n.mu.Lock()
	ok := n.startOK && !n.closing
	n.mu.Unlock()
	if !ok {
		return "", ""
	}
	lc, err := n.srv.LocalClient()
	if err != nil {
		return "", ""
	}
	ctx, cancel := context.WithTimeout(n.ctx, 500*time.Millisecond)
	defer cancel()
	st, err := lc.StatusWithoutPeers(ctx)
	if err != nil || st.Self == nil {
		return "", ""
	}
	var problems []string
	for _, warning := range st.Health {
		if strings.Contains(strings.ToLower(warning), "relay server") {
			problems = append(problems, warning)
		}
	}
	sort.Strings(problems)
	return st.Self.Relay, strings.Join(problems, "; ")
}

// hsr_set_memory_limit sets Go's soft memory limit (bytes; negative only reads it) and returns the previous one.
//
//export hsr_set_memory_limit
func hsr_set_memory_limit(bytes C.longlong) C.longlong {
	return C.longlong(debug.SetMemoryLimit(int64(bytes)))
}

// hsr_free releases a string this library returned.
//
//export hsr_free
func hsr_free(p *C.char) {
	C.free(unsafe.Pointer(p))
}

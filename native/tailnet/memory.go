package main

// The Go side of the helper's memory. tsnet's netstack and wireguard-go take what a burst of
// traffic needs and the Go runtime keeps it: after a transfer the heap goal stays where the
// busiest collection left it, so nothing is collected or returned to the system for up to two
// minutes, and then only slowly. The reclaimer below waits for the bridge to go quiet, then
// collects and returns the free heap at once (debug.FreeOSMemory), as the helper does for V8.
//
// Knobs, read from the environment the process started with (Go sees no later change):
//   HSR_TAILNET_RECLAIM_IDLE   how long the forwards must move no byte first (Go duration;
//                              default 5s; "off" disables the reclaimer)
//   HSR_TAILNET_GOGC           the collector's GOGC for the library (default: Go's, 100). GOGC
//                              off under a 300 MiB soft limit was tried (8 bridge-bench runs):
//                              throughput 0.96× tailscaled's at the median, as with 100, so not kept
//   HSR_TAILNET_TCP_RCVBUF_MAX, HSR_TAILNET_TCP_SNDBUF_MAX  netstack's TCP buffer caps in bytes
//                              (default 2 MiB each; 0 for tailscale's 8 and 6 MiB)
//   HSR_TAILNET_MEMDEBUG       a folder: four times a second memstats.json is written there; a
//                              file heap.request holding a name has heap-<name>.pprof written
//                              (runtime/pprof's heap profile) and the request removed; a file
//                              cpu.request holding "name seconds" has cpu-<name>.pprof written
//                              after that many seconds of CPU profiling. For the bench; off
//                              unless set.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"tailscale.com/tsnet"
	"tailscale.com/wgengine/netstack"
)

const (
	reclaimTick = time.Second
	// Less than this much heap above what the last reclaim left is not worth a full collection.
	reclaimSlack = 8 << 20
)

var (
	memoryOnce sync.Once
	reclaims   atomic.Int64 // how many times the reclaimer has given memory back
)

// startMemoryKeeping runs once, when the first node is made: a helper that never brings the
// node up pays nothing for it.
func startMemoryKeeping() {
	memoryOnce.Do(func() {
		if v := os.Getenv("HSR_TAILNET_GOGC"); v != "" {
			if pct, err := strconv.Atoi(v); err == nil {
				debug.SetGCPercent(pct)
			} else if strings.EqualFold(v, "off") {
				debug.SetGCPercent(-1)
			}
		}
		idle := 5 * time.Second
		if v := os.Getenv("HSR_TAILNET_RECLAIM_IDLE"); v != "" {
			if d, err := time.ParseDuration(v); err == nil && d > 0 {
				idle = d
			} else {
				idle = 0 // "off", "0" or anything unreadable: no reclaimer
			}
		}
		if idle > 0 {
			go reclaimLoop(idle)
		}
		if dir := os.Getenv("HSR_TAILNET_MEMDEBUG"); dir != "" {
			go memDebugLoop(dir)
		}
	})
}

// forwardedBytes is every byte the open nodes' forwards have carried, both ways.
func forwardedBytes() int64 {
	nodesMu.Lock()
	list := make([]*node, 0, len(nodes))
	for _, n := range nodes {
		list = append(list, n)
	}
	nodesMu.Unlock()
	var total int64
	for _, n := range list {
		n.mu.Lock()
		for _, f := range n.forwards {
			total += f.m.Bytes()
		}
		n.mu.Unlock()
	}
	return total
}

// readMetrics reads the named runtime/metrics values without stopping the world. A name this
// Go does not know is reported, not read as 0 (a misspelt name once hid the GC count).
func readMetrics(names ...string) (values []uint64, unknown []string) {
	samples := make([]metrics.Sample, len(names))
	for i, name := range names {
		samples[i].Name = name
	}
	metrics.Read(samples)
	values = make([]uint64, len(samples))
	for i, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			values[i] = s.Value.Uint64()
		case metrics.KindBad:
			unknown = append(unknown, s.Name)
		}
	}
	return values, unknown
}

const (
	heapObjects  = "/memory/classes/heap/objects:bytes"  // live and not yet collected
	heapUnused   = "/memory/classes/heap/unused:bytes"   // in spans in use, not holding objects
	heapFree     = "/memory/classes/heap/free:bytes"     // free and not yet returned to the system
	heapReleased = "/memory/classes/heap/released:bytes" // returned to the system
)

// retainedHeap is the heap the process holds from the system (what RSS sees of it).
func retainedHeap() uint64 {
	v, _ := readMetrics(heapObjects, heapUnused, heapFree)
	return v[0] + v[1] + v[2]
}

// reclaimLoop gives memory back once the forwards have been quiet for idle, and only when
// the heap has grown by more than reclaimSlack since it last did: an idle node costs one
// metrics read a second.
func reclaimLoop(idle time.Duration) {
	ticker := time.NewTicker(reclaimTick)
	defer ticker.Stop()
	last := forwardedBytes()
	quietSince := time.Now()
	floor := retainedHeap()
	for now := range ticker.C {
		if b := forwardedBytes(); b != last {
			last, quietSince = b, now
			continue
		}
		if now.Sub(quietSince) < idle || retainedHeap() < floor+reclaimSlack {
			continue
		}
		// Twice: wireguard-go keeps its 64 KiB packet buffers in a sync.Pool, which a collection
		// only moves to its victim cache; the second one frees them (most of what a transfer leaves).
		runtime.GC()
		debug.FreeOSMemory()
		reclaims.Add(1)
		floor = retainedHeap()
	}
}

type memSnapshot struct {
	At           string `json:"at"`
	HeapAlloc    uint64 `json:"heapAlloc"`    // live and not yet collected objects
	HeapInuse    uint64 `json:"heapInuse"`    // spans holding objects
	HeapIdle     uint64 `json:"heapIdle"`     // spans holding none, returned or not
	HeapReleased uint64 `json:"heapReleased"` // of those, returned to the system
	StackInuse   uint64 `json:"stackInuse"`
	Sys          uint64 `json:"sys"` // all the runtime has mapped
	NextGC       uint64 `json:"nextGC"`
	NumGC        uint32 `json:"numGC"`
	Goroutines   int    `json:"goroutines"`
	Reclaims     int64  `json:"reclaims"`
	GCPercent    int    `json:"gcPercent"`
	MemoryLimit  int64  `json:"memoryLimit"`
	// Metric names this Go does not know (then read as 0): a figure above is missing, not zero.
	Unknown []string `json:"unknownMetrics,omitempty"`
}

// snapshot reads runtime/metrics, not runtime.ReadMemStats: that stops the world, four times a
// second here, which the bench would then count against the node it measures.
func snapshot() memSnapshot {
	v, unknown := readMetrics(heapObjects, heapUnused, heapFree, heapReleased,
		"/memory/classes/heap/stacks:bytes", "/memory/classes/total:bytes", "/gc/heap/goal:bytes",
		"/gc/cycles/total:gc-cycles", "/gc/gogc:percent", "/gc/gomemlimit:bytes")
	return memSnapshot{
		At: time.Now().UTC().Format(time.RFC3339Nano), HeapAlloc: v[0], HeapInuse: v[0] + v[1],
		HeapIdle: v[2] + v[3], HeapReleased: v[3], StackInuse: v[4], Sys: v[5], NextGC: v[6],
		NumGC: uint32(v[7]), Goroutines: runtime.NumGoroutine(), Reclaims: reclaims.Load(),
		GCPercent: int(v[8]), MemoryLimit: int64(v[9]), Unknown: unknown,
	}
}

var profileName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

func memDebugLoop(dir string) {
	if os.MkdirAll(dir, 0o700) != nil {
		return
	}
	request := filepath.Join(dir, "heap.request")
	cpuRequest := filepath.Join(dir, "cpu.request")
	for {
		if b, err := json.Marshal(snapshot()); err == nil {
			writeAtomically(filepath.Join(dir, "memstats.json"), b)
		}
		if raw, err := os.ReadFile(request); err == nil {
			name := strings.TrimSpace(string(raw))
			if !profileName.MatchString(name) {
				name = "unnamed"
			}
			var buf strings.Builder
			if pprof.Lookup("heap").WriteTo(&buf, 0) == nil {
				writeAtomically(filepath.Join(dir, "heap-"+name+".pprof"), []byte(buf.String()))
			}
			os.Remove(request)
		}
		if raw, err := os.ReadFile(cpuRequest); err == nil {
			os.Remove(cpuRequest)
			go cpuProfile(dir, strings.TrimSpace(string(raw)))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// cpuProfile writes cpu-<name>.pprof after profiling for the seconds the request names
// ("name seconds"; 10 when unreadable, at most 120).
func cpuProfile(dir, request string) {
	name, secs, _ := strings.Cut(request, " ")
	if !profileName.MatchString(name) {
		name = "unnamed"
	}
	seconds, err := strconv.Atoi(strings.TrimSpace(secs))
	if err != nil || seconds <= 0 || seconds > 120 {
		seconds = 10
	}
	var buf bytes.Buffer
	if pprof.StartCPUProfile(&buf) != nil {
		return // one is already running
	}
	time.Sleep(time.Duration(seconds) * time.Second)
	pprof.StopCPUProfile()
	writeAtomically(filepath.Join(dir, "cpu-"+name+".pprof"), buf.Bytes())
}

func writeAtomically(path string, b []byte) {
	tmp := path + ".tmp"
	if os.WriteFile(tmp, b, 0o600) == nil {
		os.Rename(tmp, path)
	}
}

// defaultTCPBufMax caps netstack's TCP windows per connection. tailscale's 8 MiB receive and
// 6 MiB send caps let that much be in flight, and every packet in flight holds a 64 KiB
// wireguard-go buffer. The bridge bench's peak RSS during 1 GiB each way, and throughput against
// a plain tsnet program in the same run (BENCH_BRIDGE_PEER_B=tsnet), median of 2–9 runs each:
//
//	uncapped  ≈ 650 MiB (1.13× tailscaled's), level
//	3 MiB     435–489 MiB (0.65–1.03×), −2 %
//	2 MiB     349–380 MiB (0.49–0.68×), −3 %
//	1 MiB     ≈ 280–300 MiB (0.44–0.51×), −10 %
const defaultTCPBufMax = 2 << 20

// applyTCPBufferKnobs caps netstack's TCP buffers per connection, in bytes:
// HSR_TAILNET_TCP_RCVBUF_MAX and HSR_TAILNET_TCP_SNDBUF_MAX override defaultTCPBufMax
// (0: tailscale's own caps).
func applyTCPBufferKnobs(srv *tsnet.Server, logf func(string, ...any)) {
	knob := func(name string) int {
		if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v >= 0 {
			return v
		}
		return defaultTCPBufMax
	}
	rx, tx := knob("HSR_TAILNET_TCP_RCVBUF_MAX"), knob("HSR_TAILNET_TCP_SNDBUF_MAX")
	if rx <= 0 && tx <= 0 {
		return
	}
	sys := srv.Sys()
	if sys == nil {
		return
	}
	impl, ok := sys.Netstack.Get().(*netstack.Impl)
	if !ok {
		return
	}
	if rx > 0 {
		rx = max(rx, tcp.MinBufferSize)
		opt := tcpip.TCPReceiveBufferSizeRangeOption{Min: tcp.MinBufferSize, Default: min(tcp.DefaultReceiveBufferSize, rx), Max: rx}
		if err := impl.SetTransportProtocolOption(tcp.ProtocolNumber, &opt); err != nil {
			logf("TCP receive buffer %d: %v", rx, err)
		}
	}
	if tx > 0 {
		tx = max(tx, tcp.MinBufferSize)
		opt := tcpip.TCPSendBufferSizeRangeOption{Min: tcp.MinBufferSize, Default: min(tcp.DefaultSendBufferSize, tx), Max: tx}
		if err := impl.SetTransportProtocolOption(tcp.ProtocolNumber, &opt); err != nil {
			logf("TCP send buffer %d: %v", tx, err)
		}
	}
}

// Package gcpace sets how often Go's collector runs in the tailnet node. With the default GOGC
// of 100 it runs each time the heap doubles, and during a transfer that is dozens of times a
// gigabyte: each run empties wireguard-go's and netstack's buffer pools (sync.Pool), so every
// packet buffer taken after it is a fresh allocation, zeroed and faulted in. A Pacer switches
// GOGC off and lets the heap grow to a fixed budget instead (a soft memory limit), so the
// collector runs a few times a gigabyte. Memory left over after traffic is given back by the
// node's reclaimer, not by the collector. It has no cgo and no tailnet code, so it is tested on
// every platform.
package gcpace

import "math"

// Collector is the part of the Go runtime a Pacer sets: runtime/debug's SetGCPercent and
// SetMemoryLimit (a negative limit only reads it), or a fake in tests.
type Collector interface {
	SetGCPercent(percent int) int
	SetMemoryLimit(limit int64) int64
}

// Pacer keeps the collector on a budget. The zero Budget leaves it alone.
type Pacer struct {
	Budget    int64 // bytes the Go runtime may hold before it collects
	Collector Collector

	ceiling int64 // the soft memory limit set before the first Tick (math.MaxInt64: none)
}

// Tick is called about once a second, first when the node starts. live is the live heap after
// the last collection and other the runtime's memory outside the heap (stacks, metadata), both
// in bytes. The first call switches GOGC off; every call moves the limit with the live heap.
func (p *Pacer) Tick(live, other int64) {
	if p.Budget <= 0 {
		return
	}
	if p.ceiling == 0 {
		p.ceiling = p.Collector.SetMemoryLimit(-1)
		if p.ceiling <= 0 {
			p.ceiling = math.MaxInt64
		}
		p.Collector.SetMemoryLimit(Limit(p.Budget, live, other, p.ceiling)) // before GOGC goes off: never unbounded
		p.Collector.SetGCPercent(-1)
		return
	}
	p.Collector.SetMemoryLimit(Limit(p.Budget, live, other, p.ceiling))
}

// Limit is the soft memory limit: the budget, or, when the live heap has outgrown it, what the
// default GOGC of 100 would allow (twice the live heap plus the runtime's own memory), so that
// the collector never runs more often than the default would; and never above ceiling, a limit
// set before.
func Limit(budget, live, other, ceiling int64) int64 {
	return min(max(budget, 2*live+other), ceiling)
}

package gcpace

import (
	"math"
	"testing"
)

// runtimeFake holds the settings as the Go runtime would.
type runtimeFake struct {
	gcPercent int
	limit     int64
	unbounded bool // GOGC was off while no limit was set
}

func (r *runtimeFake) SetGCPercent(p int) int {
	old := r.gcPercent
	r.gcPercent = p
	r.check()
	return old
}

func (r *runtimeFake) SetMemoryLimit(l int64) int64 {
	old := r.limit
	if l >= 0 {
		r.limit = l
	}
	r.check()
	return old
}

func (r *runtimeFake) check() {
	if r.gcPercent < 0 && r.limit == math.MaxInt64 {
		r.unbounded = true
	}
}

const MiB = 1 << 20

func TestPacerSwitchesGOGCOffUnderTheBudget(t *testing.T) {
	rt := &runtimeFake{gcPercent: 100, limit: math.MaxInt64}
	p := &Pacer{Budget: 300 * MiB, Collector: rt}

	p.Tick(20*MiB, 10*MiB)
	if rt.gcPercent != -1 || rt.limit != 300*MiB {
		t.Fatalf("first tick: want GOGC off under 300 MiB, got %+v", rt)
	}
	// A live heap beyond half the budget: the limit follows it as GOGC=100 would.
	p.Tick(200*MiB, 10*MiB)
	if rt.limit != 410*MiB {
		t.Fatalf("live heap 200 MiB: want a 410 MiB limit, got %d MiB", rt.limit/MiB)
	}
	p.Tick(50*MiB, 10*MiB)
	if rt.limit != 300*MiB || rt.gcPercent != -1 {
		t.Fatalf("live heap back to 50 MiB: want the 300 MiB budget, got %+v", rt)
	}
	if rt.unbounded {
		t.Fatal("GOGC was off with no memory limit at some point")
	}
}

func TestPacerKeepsALimitSetBeforeIt(t *testing.T) {
	rt := &runtimeFake{gcPercent: 100, limit: 256 * MiB}
	p := &Pacer{Budget: 300 * MiB, Collector: rt}
	p.Tick(20*MiB, 10*MiB)
	if rt.limit != 256*MiB || rt.gcPercent != -1 {
		t.Fatalf("want the 256 MiB limit kept, got %+v", rt)
	}
	p.Tick(200*MiB, 10*MiB)
	if rt.limit != 256*MiB {
		t.Fatalf("want the limit never raised above 256 MiB, got %d MiB", rt.limit/MiB)
	}
}

func TestZeroBudgetLeavesTheCollectorAlone(t *testing.T) {
	rt := &runtimeFake{gcPercent: 100, limit: math.MaxInt64}
	p := &Pacer{Collector: rt}
	for range 3 {
		p.Tick(20*MiB, 10*MiB)
	}
	if rt.gcPercent != 100 || rt.limit != math.MaxInt64 {
		t.Fatalf("a zero budget changed the collector: %+v", rt)
	}
}

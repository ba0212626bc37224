package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, floor uint64
		want        int
	}{
		{10 * mb, 32 * mb, 320}, // a small heap gets the floor
		{64 * mb, 48 * mb, 75},  // the floor is three quarters of the live heap
		{200 * mb, 32 * mb, 75}, // a large heap gets three quarters of itself
		{100 * mb, 80 * mb, 80}, // between the two
		{1024, 32 * mb, 10000},  // a heap of nothing much
		{10 * mb, 0, 75},        // no floor
	} {
		if got := Percent(c.live, c.floor); got != c.want {
			t.Errorf("Percent(%d MB live, %d MB floor) = %d, want %d", c.live/mb, c.floor/mb, got, c.want)
		}
	}
}

// gogc reads the current GOGC percentage.
func gogc() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// tunedAfterGC collects and waits for the pacer to tune GOGC: the
// pacer runs after each collection, on the cleanup goroutine.
func tunedAfterGC(t *testing.T, tuned <-chan int) int {
	t.Helper()
	for range 3 {
		runtime.GC()
		select {
		case p := <-tuned:
			return p
		case <-time.After(2 * time.Second):
		}
	}
	t.Fatal("the pacer did not run after three collections")
	return 0
}

func TestThePacerFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "") // restored after the test
	os.Unsetenv("GOGC")  // unset: else the pacer stands aside (TestGOGCStands)
	before := gogc()
	tuned := make(chan int, 64)
	stop := Start(8<<20, func(p int) { tuned <- p })
	small := tunedAfterGC(t, tuned)
	if small <= 100 || gogc() != small {
		t.Fatalf("with a small live heap GOGC is %d (reported %d), want the 8 MB floor's, above 100", gogc(), small)
	}
	// 96 MB live: three quarters of it is more than the floor.
	held := make([][]byte, 96)
	for i := range held {
		held[i] = make([]byte, 1<<20)
		held[i][0] = 1
	}
	for len(tuned) > 0 {
		<-tuned
	}
	large := tunedAfterGC(t, tuned)
	if large < 75 || large > 85 {
		t.Fatalf("with 96 MB live GOGC is %d, want about 75", large)
	}
	runtime.KeepAlive(held)
	stop()
	if got := gogc(); got != before {
		t.Fatalf("after stop GOGC is %d, want %d as it was", got, before)
	}
}

// TestNoTuningAfterStop: a cleanup that runs after stop, as one may
// when a collection ends while the command returns, leaves GOGC alone.
func TestNoTuningAfterStop(t *testing.T) {
	before := gogc()
	p := start(8<<20, func(p int) { t.Errorf("tuned GOGC to %d after stop", p) })
	p.stop()
	if p.tune() {
		t.Fatal("a stopped pacer asks to be armed again")
	}
	if got := gogc(); got != before {
		t.Fatalf("GOGC is %d after stop, want %d", got, before)
	}
}

// TestStartsShareOnePacer: two commands run at once in one process share
// the pacer, and GOGC comes back as it was only after the last stops.
func TestStartsShareOnePacer(t *testing.T) {
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	before := gogc()
	stopA := Start(64<<20, nil)
	stopB := Start(64<<20, nil)
	debug.SetGCPercent(123) // as the running pacer might
	stopA()
	stopA() // a second call changes nothing
	if got := gogc(); got != 123 {
		t.Fatalf("GOGC is %d after the first of two stops, want the pacer's 123 still", got)
	}
	stopB()
	if got := gogc(); got != before {
		t.Fatalf("GOGC is %d after the last stop, want %d", got, before)
	}
}

func TestGOGCStands(t *testing.T) {
	t.Setenv("GOGC", "100")
	before := gogc()
	stop := Start(8<<20, func(p int) { t.Errorf("tuned GOGC to %d though GOGC is set", p) })
	defer stop()
	runtime.GC()
	runtime.GC()
	if got := gogc(); got != before {
		t.Fatalf("GOGC is %d, want the user's %d", got, before)
	}
}

package consent

import (
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestForwardedForIsBelievedOnlyFromTrustedProxies(t *testing.T) {
	trusted := ClientAddr{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	cases := []struct {
		name   string
		c      ClientAddr
		remote string
		xff    []string
		want   string
	}{
		{"no proxy configured: header ignored", ClientAddr{}, "198.51.100.7:4000", []string{"203.0.113.9"}, "198.51.100.7"},
		{"untrusted peer: header ignored", trusted, "198.51.100.7:4000", []string{"203.0.113.9"}, "198.51.100.7"},
		{"trusted proxy: client from header", trusted, "10.1.2.3:4000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"spoofed left entries skipped", trusted, "10.1.2.3:4000", []string{"1.1.1.1, 203.0.113.9, 10.9.9.9"}, "203.0.113.9"},
		{"several header lines", trusted, "10.1.2.3:4000", []string{"1.1.1.1", "203.0.113.9"}, "203.0.113.9"},
		{"garbage stops at the last good hop", trusted, "10.1.2.3:4000", []string{"203.0.113.9, nonsense"}, "10.1.2.3"},
		{"IPv4-mapped IPv6 peer", ClientAddr{}, "[::ffff:198.51.100.7]:4000", nil, "198.51.100.7"},
		{"hops with ports", trusted, "10.1.2.3:4000", []string{"203.0.113.9:5123, [2001:db8::7]:443"}, "2001:db8::7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := c.c.Of(r); got.String() != c.want {
				t.Errorf("got %v, want %s", got, c.want)
			}
		})
	}
}

func TestNetworksAreTruncatedBeforeHashing(t *testing.T) {
	h, err := NewNetHasher([]byte("0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b string) bool { return h.Hash(netip.MustParseAddr(a)) == h.Hash(netip.MustParseAddr(b)) }
	if !same("198.51.100.1", "198.51.100.254") {
		t.Error("two addresses of one /24 hash differently")
	}
	if same("198.51.100.1", "198.51.101.1") {
		t.Error("two /24 networks hash the same")
	}
	if !same("2001:db8:1:aaaa::1", "2001:db8:1:bbbb::2") {
		t.Error("two addresses of one /48 hash differently")
	}
	if same("2001:db8:1::1", "2001:db8:2::1") {
		t.Error("two /48 networks hash the same")
	}
	other, _ := NewNetHasher([]byte("another key 0123"))
	if other.Hash(netip.MustParseAddr("198.51.100.1")) == h.Hash(netip.MustParseAddr("198.51.100.1")) {
		t.Error("the hash does not depend on the key")
	}
	if _, err := NewNetHasher([]byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestTheHashKeyIsGeneratedOnceAndKept(t *testing.T) {
	old := syscall.Umask(0) // the file's mode must not depend on the umask
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "data", "hash.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1) != string(k2) || len(k1) < 32 {
		t.Errorf("key changed or too short: %q vs %q", k1, k2)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestUserAgentsAreReducedToTheirFamily(t *testing.T) {
	cases := map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                        "Chrome",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86":      "Edge",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                                                 "Firefox",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15":                  "Safari",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1": "Chrome",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0":          "Opera",
		"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0 Mobile Safari/537.36":           "Samsung Internet",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                                               "bot",
		"curl/8.5.0": "bot",
		"":           "none",
		"Lynx/2.9.0": "other",
	}
	for ua, want := range cases {
		if got := UAFamily(ua); got != want {
			t.Errorf("UAFamily(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestTheLimiterRefillsAtItsRate(t *testing.T) {
	l := newLimiter[string](60, time.Minute, 2) // one a second, burst 2
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 2 {
		if ok, _ := l.allow("a", t0); !ok {
			t.Fatalf("event %d of the burst refused", i)
		}
	}
	ok, wait := l.allow("a", t0)
	if ok || wait != time.Second {
		t.Errorf("third event: ok=%v wait=%v; want refused, 1s", ok, wait)
	}
	if ok, _ := l.allow("b", t0); !ok {
		t.Error("another key shares the bucket")
	}
	if ok, _ := l.allow("a", t0.Add(time.Second)); !ok {
		t.Error("no token after a second")
	}
	if newLimiter[string](0, time.Minute, 5) != nil {
		t.Error("rate 0 should mean no limiter")
	}
	var off *limiter[string]
	if ok, _ := off.allow("a", t0); !ok {
		t.Error("a nil limiter refused")
	}
}

func TestTheLimiterForgetsFullBucketsWhenCrowded(t *testing.T) {
	l := newLimiter[string](60, time.Minute, 1)
	l.max = 2
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100 {
		l.allow(strconv.Itoa(i), t0)
	}
	if n := l.size(); n > 2*limiterShards {
		t.Fatalf("%d buckets kept, want at most %d", n, 2*limiterShards)
	}
	for i := range 100 { // the first 100 have refilled: swept
		l.allow(strconv.Itoa(100+i), t0.Add(time.Hour))
	}
	if n := l.size(); n > 2*limiterShards || n < limiterShards {
		t.Errorf("%d buckets kept, want one or two per shard", n)
	}
}

// The per-consent limit keeps working however many ids arrive: memory
// stays bounded, and an id that keeps sending keeps its bucket while a
// flood of others passes (it failed open after about 100 k ids).
func TestTheLimiterKeepsLimitingPastItsCapacity(t *testing.T) {
	l := newLimiter[uuid.UUID](20, time.Hour, 20)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	abuser := uuid.New()
	flood := make([]uuid.UUID, 150_000)
	for i := range flood {
		flood[i] = uuid.New()
	}
	allowed := 0
	for i, id := range flood {
		now := t0.Add(time.Duration(i) * time.Millisecond)
		l.allow(id, now)                // a flood of one-off ids
		if i >= 100_000 && i%250 == 0 { // once the shards are full, the abuser sends 200 events in 50 s
			if ok, _ := l.allow(abuser, now); ok {
				allowed++
			}
		}
	}
	if n := l.size(); n > 100_000 {
		t.Errorf("%d buckets kept, want at most 100,000", n)
	}
	if allowed > 21 { // the burst of 20, and 20/hour for 50 s
		t.Errorf("%d of one consent id's 200 events were allowed within 50 s, want at most 21", allowed)
	}
}

// Under a flood of new keys a full shard is swept at most once a second,
// not once a request (each sweep walks the whole shard).
func TestAFullShardIsSweptAtMostOnceASecond(t *testing.T) {
	l := newLimiter[string](60, time.Minute, 1)
	l.max = 2
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 200 {
		l.allow(strconv.Itoa(i), t0)
	}
	for i := range 200 {
		l.allow(strconv.Itoa(1000+i), t0.Add(500*time.Millisecond))
	}
	for i := range l.shards {
		if sw := l.shards[i].swept; sw.After(t0) {
			t.Fatalf("shard %d swept again at %v, half a second after %v", i, sw, t0)
		}
	}
}

func TestPageKeepsOriginAndPathOnly(t *testing.T) {
	cases := map[string]string{
		"https://Jobs.Example.org/apply?email=a@b.se#x":           "https://jobs.example.org/apply",
		"https://user:pw@jobs.example.org":                        "https://jobs.example.org/",
		"http://jobs.example.org:8080/a%20b/c?":                   "http://jobs.example.org:8080/a%20b/c",
		"https://jobs.example.org/apply;jsessionid=AB12/step;x=1": "https://jobs.example.org/apply/step",
	}
	for in, want := range cases {
		got, err := PageOf(in)
		if err != nil || got != want {
			t.Errorf("PageOf(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

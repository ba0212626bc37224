package consent

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// ClientAddr finds the address of the client behind a request. The
// X-Forwarded-For header is believed only when the connection comes from a
// trusted proxy, because anyone else can write it.
type ClientAddr struct {
	Trusted []netip.Prefix
}

// Of returns the client's address, or the zero Addr if the peer address is
// unreadable (net/http gives every TCP peer one).
func (c ClientAddr) Of(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr := peer.Addr().Unmap()
	if !c.trusts(addr) {
		return addr
	}
	// Walk X-Forwarded-For from the right (the hop nearest us): the first
	// address that is not one of our proxies is the client.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := hopAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr // garbage from beyond our proxies: stop at the last good hop
		}
		addr = h.Unmap()
		if !c.trusts(addr) {
			return addr
		}
	}
	return addr
}

// hopAddr reads one X-Forwarded-For hop: an address, or an address and
// port as some load balancers write it ("198.51.100.7:4321", "[2001:db8::1]:80").
func hopAddr(h string) (netip.Addr, error) {
	a, err := netip.ParseAddr(h)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(h); perr == nil {
			return ap.Addr(), nil
		}
	}
	return a, err
}

// unheededProxy reports whether r came through a proxy that the server
// does not trust: a loopback or private peer that sends X-Forwarded-For.
// Then every visitor looks like the proxy (one rate limit, one network
// hash), which is almost always a missing --trusted-proxy.
func (c ClientAddr) unheededProxy(r *http.Request) (netip.Addr, bool) {
	if _, ok := r.Header["X-Forwarded-For"]; !ok {
		return netip.Addr{}, false
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	a := peer.Addr().Unmap()
	return a, (a.IsLoopback() || a.IsPrivate()) && !c.trusts(a)
}

func (c ClientAddr) trusts(a netip.Addr) bool {
	for _, p := range c.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Network truncates an address to the network the record may keep: /24
// for IPv4, /48 for IPv6 (research §1.4: enough for abuse analysis, too
// coarse to single out a household).
func Network(a netip.Addr) netip.Prefix {
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}

// limitKey is the rate-limit bucket of an address: one per IPv4 address,
// one per IPv6 /64, since a single IPv6 host usually holds a whole /64.
func limitKey(a netip.Addr) netip.Addr {
	if a.Is4() {
		return a
	}
	p, _ := a.Prefix(64)
	return p.Addr()
}

// NetHasher makes the keyed hash of a client network that the record
// stores: with the key, equal networks give equal hashes (for spotting
// floods); without it, a hash cannot be turned back into a network by
// trying all 2^24 IPv4 networks.
type NetHasher struct {
	// macs holds keyed HMACs for reuse: Reset is much cheaper than
	// hashing the key again in hmac.New.
	macs *sync.Pool
}

// NewNetHasher uses key, which must be at least 16 bytes.
func NewNetHasher(key []byte) (NetHasher, error) {
	if len(key) < 16 {
		return NetHasher{}, errors.New("network hash key: want at least 16 bytes")
	}
	key = bytes.Clone(key)
	return NetHasher{macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}, nil
}

// Hash returns the hex HMAC-SHA256 of the address's network, cut to 128 bits.
func (h NetHasher) Hash(a netip.Addr) string {
	p := Network(a)
	mac := h.macs.Get().(hash.Hash)
	defer h.macs.Put(mac)
	mac.Reset()
	var buf [17]byte // a prefix's binary form: 16 address bytes and the length
	b, _ := p.AppendBinary(buf[:0])
	mac.Write(b)
	var sum [sha256.Size]byte
	return hex.EncodeToString(mac.Sum(sum[:0])[:16])
}

// LoadOrCreateKey reads the hash key from path, or, if there is no such
// file, generates 32 random bytes and writes them there (mode 0600). Keep
// the file with the database's backups: a new key makes new hashes
// incomparable with old ones.
func LoadOrCreateKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		key := []byte(strings.TrimSpace(string(data)))
		if len(key) < 16 {
			return nil, fmt.Errorf("hash key %s: want at least 16 bytes", path)
		}
		return key, nil
	}
	if !os.IsNotExist(err) {
		return nil, fmt.Errorf("hash key: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("hash key: %w", err)
	}
	key := []byte(hex.EncodeToString(raw))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("hash key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if os.IsExist(err) { // another instance won the race: use its key
			return LoadOrCreateKey(path)
		}
		return nil, fmt.Errorf("hash key: %w", err)
	}
	if _, err := f.Write(append(key, '\n')); err != nil {
		f.Close()
		return nil, fmt.Errorf("hash key %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("hash key %s: %w", path, err)
	}
	return key, f.Close()
}

// UAFamily names the browser family of a User-Agent header and nothing
// more: the full string is close to a fingerprint. Order matters, because
// Edge and Opera also say "Chrome", and Chrome also says "Safari".
func UAFamily(ua string) string {
	switch {
	case ua == "":
		return "none"
	case containsAny(ua, "bot", "Bot", "crawl", "Crawl", "spider", "Spider", "curl/", "Wget/", "python-", "Go-http-client"):
		return "bot"
	case containsAny(ua, "Edg/", "EdgA/", "EdgiOS/", "Edge/"):
		return "Edge"
	case containsAny(ua, "OPR/", "Opera"):
		return "Opera"
	case strings.Contains(ua, "SamsungBrowser/"):
		return "Samsung Internet"
	case containsAny(ua, "Firefox/", "FxiOS/"):
		return "Firefox"
	case containsAny(ua, "Chrome/", "CriOS/", "Chromium/"):
		return "Chrome"
	case strings.Contains(ua, "Safari/"):
		return "Safari"
	}
	return "other"
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

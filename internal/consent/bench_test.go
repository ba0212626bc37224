package consent

import (
	"net/http"
	"testing"
)

// BenchmarkDecodeAndValidate is the per-request parsing cost, without
// HTTP or the store.
func BenchmarkDecodeAndValidate(b *testing.B) {
	site := testSite(b)
	body := []byte(validEvent().body())
	for b.Loop() {
		ev, err := Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, ferr := site.Validate(ev); ferr != nil {
			b.Fatal(ferr)
		}
		if _, ferr := PageOf(ev.URL); ferr != nil {
			b.Fatal(ferr)
		}
	}
}

// BenchmarkRejectedRequest is what a refused request costs (bad origin):
// it must stay near a no-op, so floods are cheap to shed.
func BenchmarkRejectedRequest(b *testing.B) {
	s := newServer(b, sqliteStore(b), nil)
	body := validEvent().body()
	for b.Loop() {
		if w := post(s, body, "Origin", "https://evil.example"); w.Code != http.StatusForbidden {
			b.Fatal(w.Code)
		}
	}
}

package consent

import (
	"context"
	"net/http"
	"testing"

	"github.com/notis-dev/notis/internal/consent/store"
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
		if ferr := site.Validate(ev); ferr != nil {
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

// BenchmarkAcceptedRequest is the handler's own cost for a valid event:
// everything but HTTP parsing and the store, which answers at once.
func BenchmarkAcceptedRequest(b *testing.B) {
	s := newServer(b, instantStore{sqliteStore(b)}, nil)
	bodies := make([]string, 1024)
	for i := range bodies {
		bodies[i] = validEvent().body()
	}
	i := 0
	for b.Loop() {
		if w := post(s, bodies[i%len(bodies)]); w.Code != http.StatusCreated {
			b.Fatal(w.Code, w.Body)
		}
		i++
	}
}

// instantStore stores no record and says every record is new; the rest
// (the consent versions) goes to the store it wraps.
type instantStore struct{ store.Store }

func (instantStore) Insert(_ context.Context, recs []store.Record) ([]store.Result, error) {
	res := make([]store.Result, len(recs))
	for i := range recs {
		res[i].ReceivedAt = recs[i].ReceivedAt
	}
	return res, nil
}

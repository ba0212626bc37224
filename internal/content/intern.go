package content

import "sync"

// texts gives a site's notices one copy of each piece of text they
// share. The notices of one organisation repeat most of their values (its
// name and addresses, the DPO, recipients, countries, data category ids
// and lawful bases), and a large site holds every notice it decoded until
// its build ends: without it, each notice holds its own copy of each. It
// lives as long as one load; safe for concurrent use.
type texts struct {
	mu   sync.Mutex
	seen map[string]string
}

// share replaces every string value in v, a decoded front matter tree
// (maps, lists and scalars), with the copy seen first, and returns v.
func (t *texts) share(v any) any {
	switch x := v.(type) {
	case string:
		t.mu.Lock()
		defer t.mu.Unlock()
		if s, ok := t.seen[x]; ok {
			return s
		}
		t.seen[x] = x
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = t.share(e)
		}
	case []any:
		for i, e := range x {
			x[i] = t.share(e)
		}
	}
	return v
}

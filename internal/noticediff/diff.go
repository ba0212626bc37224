// Package noticediff says what changed between two versions of one
// notice, computed from the two notice.Notice models rather than from
// their text: "a purpose was added", "retention went from 6 months to 12",
// "now based on consent instead of legitimate interests". A word-level diff
// of the Markdown body goes with it for the prose.
//
// The diff is language-neutral: Change.Old and New hold the model's values
// (free text as the notice wrote it, codes for enumerations, ISO 8601 for
// periods). Sentences and Summary spell them out in a reader's language
// through the i18n bundle, so one Diff serves every page and `notis diff`.
//
// "Not stated" (a key absent, see notice.Unstated) is a state of its own:
// a value that appears is "now stated", one that disappears is "no longer
// stated", and neither is ever shown as an empty value.
package noticediff

import (
	"encoding/json"

	"github.com/notis-dev/notis/internal/notice"
)

// Diff is what changed from one version of a notice to the next.
type Diff struct {
	Changes  []Change // in page section order (render.SectionOrder)
	Body     []BodyOp // word-level diff of the Markdown body's text
	Material bool     // any change is material
	// Added and Removed say the notice appeared (Compare's old was nil)
	// or went (new was nil): every fact is then "new" or "gone".
	Added, Removed bool
	// BodyErr is set when a body could not be read: the prose diff is then
	// unknown, never reported as "no change".
	BodyErr error `json:"-"`
}

// Change is one semantic change.
type Change struct {
	// Kind is a stable id, "<thing>.<event>": purpose.added, basis.changed,
	// retention.longer …; kinds lists them all.
	Kind string `json:"kind"`
	// Section is the id of the page section the change shows in, from
	// render's one table of section ids.
	Section string `json:"section"`
	// Path is where in the model: the new version's path, or the old
	// version's for something removed.
	Path notice.Path `json:"path"`
	// Subject names what changed as the reader sees it: the purpose, the
	// records, the recipient, the cookie; empty when the kind says it all.
	Subject string `json:"subject,omitempty"`
	// Old and New are the values, empty when not stated: free text as the
	// notice wrote it, codes for enumerations (bases, safeguards, roles,
	// Art 9(2) conditions; several joined by ", "), ISO 8601 for periods.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Material is true for the changes a reader must be told of before
	// they take effect; see materialWhy for each kind's reason and source.
	Material bool `json:"material"`
}

// MarshalJSON writes the change with its path as printed in findings
// ("purposes[1].basis"), not as a list of keys and indexes.
func (c Change) MarshalJSON() ([]byte, error) {
	type plain Change // without this method
	return json.Marshal(struct {
		plain
		Path string `json:"path"`
	}{plain(c), c.Path.String()})
}

// Changed reports whether anything changed, in the model or the prose.
func (d *Diff) Changed() bool {
	if len(d.Changes) > 0 {
		return true
	}
	for _, op := range d.Body {
		if op.Op != Equal {
			return true
		}
	}
	return false
}

// ProseChanged reports whether the body's text changed.
func (d *Diff) ProseChanged() bool {
	for _, op := range d.Body {
		if op.Op != Equal {
			return true
		}
	}
	return false
}

// Compare says what changed from old to new; either may be nil (the notice
// appeared / went). Changes come in page section order, and within a
// section in the order the new version lists things, removals after.
func Compare(old, new *notice.Notice) *Diff {
	o, n := old, new
	if o == nil {
		o = &notice.Notice{}
	}
	if n == nil {
		n = &notice.Notice{}
	}
	c := &comparer{old: o, new: n, fresh: old == nil}
	c.heading()
	c.controller()
	c.data()
	c.sources()
	c.purposes()
	c.recipients()
	c.transfers()
	c.retention()
	c.automated()
	c.cookies()
	c.rights()
	d := &Diff{Changes: c.out, Added: old == nil && new != nil, Removed: new == nil && old != nil}
	for _, ch := range d.Changes {
		d.Material = d.Material || ch.Material
	}
	d.Body, d.BodyErr = bodyDiff(old, new)
	return d
}

// comparer collects the changes of one Compare.
type comparer struct {
	old, new *notice.Notice
	fresh    bool // there was no old version: naming the controller is not a change
	out      []Change
}

func (c *comparer) add(kind string, path notice.Path, subject, old, new string, material bool) {
	k, ok := kinds[kind]
	if !ok {
		panic("noticediff: kind " + kind + " is not in the kinds table")
	}
	c.out = append(c.out, Change{Kind: kind, Section: k.section, Path: path, Subject: subject, Old: old, New: new, Material: material})
}

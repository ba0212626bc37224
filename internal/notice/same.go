package notice

import (
	"reflect"
	"slices"
	"strings"
)

// SaysSame reports whether two versions of one notice file say the same
// to a reader: the same model apart from `updated`, and the same words in
// the body. Edits that only reformat (YAML style, key order, quoting,
// line wrapping) say the same; a changed period, recipient or sentence
// does not.
func (n *Notice) SaysSame(o *Notice) (bool, error) {
	pa, pb := n.Plain(), o.Plain()
	// A layered notice's inherited facts are its parent's to date, and a
	// copy read from history has not been given them.
	for _, k := range append(append([]string{"updated"}, n.Inherited...), o.Inherited...) {
		delete(pa, k)
		delete(pb, k)
	}
	if !reflect.DeepEqual(pa, pb) {
		return false, nil
	}
	ba, err := n.Text()
	if err != nil {
		return false, err
	}
	bb, err := o.Text()
	if err != nil {
		return false, err
	}
	return slices.Equal(strings.Fields(string(ba)), strings.Fields(string(bb))), nil
}

package notice

import (
	"reflect"
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/mdtext"
)

// SaysSame reports whether two versions of one notice file say the same
// to a reader: the same model apart from `updated`, and the same words in
// the body as it reads (internal/mdtext). Edits that only reformat (YAML
// style, key order, quoting, line wrapping, bold or a heading's level)
// say the same; a changed period, recipient, sentence or link address
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
	return slices.Equal(strings.Fields(mdtext.Of(ba)), strings.Fields(mdtext.Of(bb))), nil
}

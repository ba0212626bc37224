package notice

import "reflect"

// notInherited are the keys that describe this notice itself, never its
// parent's facts.
var notInherited = map[string]bool{
	"title": true, "notice": true, "lang": true, "summary": true, "updated": true,
	"related": true, "changes": true, "lint": true, "extends": true,
}

// Inherit fills every fact n leaves out from parent (a layered notice: a
// job advert's notice that defers to the organisation's main notice) and
// records the keys it took in n.Inherited. A key n gives, even as an
// explicit empty list, overrides the parent's whole value. parent must
// itself be resolved first; Inherit does nothing for a notice already
// resolved.
func (n *Notice) Inherit(parent *Notice) {
	if n.Parent != nil {
		return
	}
	n.Parent = parent
	cv, pv := reflect.ValueOf(n).Elem(), reflect.ValueOf(parent).Elem()
	for _, f := range fieldsOf(cv.Type()).list {
		if notInherited[f.name] {
			continue
		}
		c, p := cv.Field(f.index), pv.Field(f.index)
		if c.IsZero() && !p.IsZero() {
			c.Set(p)
			n.Inherited = append(n.Inherited, f.name)
		}
	}
}

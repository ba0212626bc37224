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

// Outline is a copy of n that keeps what pages other than n's own read
// of it (its id, language, title, summary, dates, controller, authority,
// cookies, related notices, parent, and where it was read from) and
// drops the facts only its own page, its notices.json entry and the lint
// read: data, sources, requirements, purposes, recipients, transfers,
// retention, automated decisions, rights, the change log and joint
// controllers. Its body is its Origin's, which the lean load that
// outlines notices reads again from the file. A large site's build keeps
// outlines of its notices and reads each notice whole again when it
// renders it, so it never holds every notice's facts at once (about 4 KB
// a notice).
func (n *Notice) Outline() *Notice {
	o := *n
	o.Data, o.Sources, o.Requirements, o.Purposes, o.Recipients = nil, nil, nil, nil, nil
	o.Transfers, o.Retention, o.AutomatedDecisions = nil, nil, nil
	o.Rights, o.Changes, o.JointControllers = RightsContact{}, nil, nil
	return &o
}

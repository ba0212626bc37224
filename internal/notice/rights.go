package notice

import "slices"

// Right is a data subject right a notice must explain (Art 13(2)(b)–(d)).
type Right string

// The rights, in the order a notice presents them.
const (
	RightAccess        Right = "access"        // Art 15
	RightRectification Right = "rectification" // Art 16
	RightErasure       Right = "erasure"       // Art 17
	RightRestriction   Right = "restriction"   // Art 18
	RightPortability   Right = "portability"   // Art 20
	RightObjection     Right = "objection"     // Art 21(1)
	RightWithdraw      Right = "withdraw"      // Art 7(3)
	RightComplain      Right = "complain"      // Art 77
)

// Article is the GDPR article that grants the right.
func (r Right) Article() string {
	return map[Right]string{RightAccess: "15", RightRectification: "16", RightErasure: "17", RightRestriction: "18", RightPortability: "20", RightObjection: "21", RightWithdraw: "7(3)", RightComplain: "77"}[r]
}

// rightsByBasis is the rights matrix of research §1.4 (Art 17(3)(b),
// 20(1), 21(1), 7(3)); notis ships its own table rather than DPV's, which
// has known errors.
var rightsByBasis = map[Right][]Basis{
	RightErasure:     {Consent, Contract, VitalInterests, LegitimateInterests},
	RightPortability: {Consent, Contract},
	RightObjection:   {PublicTask, LegitimateInterests},
	RightWithdraw:    {Consent},
}

// DerivedRight is a right and the purposes (indexes into Purposes) it
// applies to; All is true when it applies whatever the basis.
type DerivedRight struct {
	Right    Right
	All      bool
	Purposes []int
	// Unstated lists the purposes whose basis the notice does not state,
	// for which a right that depends on the basis may or may not apply;
	// Undetermined is true when the notice states no purposes at all. The
	// page says so rather than guess either way.
	Unstated     []int
	Undetermined bool
}

// DerivedRights lists the rights the notice's lawful bases give, so the
// rights section cannot claim a right that does not apply or omit one that
// does. Objection is listed separately from the others, as Art 21(4) asks.
func (n *Notice) DerivedRights() []DerivedRight {
	var out []DerivedRight
	for _, r := range []Right{RightAccess, RightRectification, RightErasure, RightRestriction, RightPortability, RightObjection, RightWithdraw, RightComplain} {
		bases, conditional := rightsByBasis[r]
		if !conditional {
			out = append(out, DerivedRight{Right: r, All: true})
			continue
		}
		var idx, unstated []int
		for i, p := range n.Purposes {
			switch {
			case slices.ContainsFunc(bases, p.Has) || (r == RightWithdraw && n.explicitConsentOnly(p)):
				idx = append(idx, i)
			case len(p.Claims()) == 0:
				unstated = append(unstated, i)
			}
		}
		if len(n.Purposes) == 0 {
			out = append(out, DerivedRight{Right: r, Undetermined: true})
			continue
		}
		if len(idx) == 0 && len(unstated) == 0 {
			continue
		}
		out = append(out, DerivedRight{Right: r, All: len(idx) == len(n.Purposes), Purposes: idx, Unstated: unstated})
	}
	return out
}

// explicitConsentOnly reports whether a purpose uses special-category data
// whose only Art 9 condition is explicit consent (9(2)(a)): that consent
// can be withdrawn (Art 7(3)) whatever the purpose's Art 6 basis. Data
// with several conditions does not say which one a purpose relies on, so
// it does not count.
func (n *Notice) explicitConsentOnly(p Purpose) bool {
	if len(p.Art9) == 1 && p.Art9[0] == "9(2)(a)" {
		return true
	}
	for _, d := range n.Data {
		if len(d.Art9) == 1 && d.Art9[0] == "9(2)(a)" && slices.Contains(p.Data, d.ID) {
			return true
		}
	}
	return false
}

// PurposesCondition reports whether the data category id is used by at
// least one purpose and every purpose that uses it has what has asks for:
// an Art 9 condition or Art 10 ground stated on the purpose rather than
// on the data category covers the data for that purpose.
func (n *Notice) PurposesCondition(id string, has func(Purpose) bool) bool {
	used := false
	for _, p := range n.Purposes {
		if slices.Contains(p.Data, id) {
			if !has(p) {
				return false
			}
			used = true
		}
	}
	return used
}

// UsesBasis reports whether any purpose relies on the basis.
func (n *Notice) UsesBasis(b Basis) bool {
	return slices.ContainsFunc(n.Purposes, func(p Purpose) bool { return p.Has(b) })
}

// Law is the jurisdiction the notice is written under: its own field, else
// the supervisory authority's.
func (n *Notice) Law() Jurisdiction {
	if n.Jurisdiction != "" {
		return n.Jurisdiction
	}
	if a, ok := n.Authority.Resolve(); ok && a.Jurisdiction != "" {
		return a.Jurisdiction
	}
	return "eu"
}

// FromOthers reports whether the notice covers data not obtained from the
// person (Art 14): it declares sources.
func (n *Notice) FromOthers() bool { return len(n.Sources) > 0 }

// RightsChannel is where to send rights requests: the notice's rights
// contact, else the DPO's email, else the controller's.
func (n *Notice) RightsChannel() (email Email, url URL, address string) {
	r := n.Rights
	email, url, address = r.Email, r.URL, r.Address
	if email == "" && n.DPO != nil {
		email = n.DPO.Email
	}
	if email == "" {
		email = n.Controller.Email
	}
	if address == "" {
		address = n.Controller.Address
	}
	return email, url, address
}

package noticediff

import (
	"slices"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
)

// The comparisons, one a page section, called in page order.

// heading compares the title and the summary that opens the page.
func (c *comparer) heading() {
	o, n := c.old, c.new
	if o.Title != "" && n.Title != "" && norm(o.Title) != norm(n.Title) {
		c.add("title.changed", notice.Path{"title"}, "", o.Title, n.Title, false)
	}
	if o.Summary != "" && n.Summary != "" && norm(o.Summary) != norm(n.Summary) {
		c.add("summary.changed", notice.Path{"summary"}, "", "", "", false)
	}
}

func (c *comparer) controller() {
	o, n := c.old.Controller, c.new.Controller
	if on, nn := strings.TrimSpace(o.Name), strings.TrimSpace(n.Name); norm(on) != norm(nn) && !c.fresh {
		// A controller that was not named before is not a new identity.
		c.add("controller.changed", notice.Path{"controller", "name"}, "", on, nn, on != "" && nn != "")
	}
	for _, f := range []struct {
		key      string
		old, new string
	}{
		{"trading_name", o.TradingName, n.TradingName},
		{"address", o.Address, n.Address},
		{"email", string(o.Email), string(n.Email)},
		{"phone", o.Phone, n.Phone},
		{"url", string(o.URL), string(n.URL)},
	} {
		c.value("controller.contact-changed", notice.Path{"controller", f.key}, f.key, f.old, f.new)
	}
	switch od, nd := c.old.DPO, c.new.DPO; {
	case od == nil && nd != nil:
		c.add("dpo.added", notice.Path{"dpo"}, "", "", dpoLabel(nd), false)
	case od != nil && nd == nil:
		c.add("dpo.removed", notice.Path{"dpo"}, "", dpoLabel(od), "", false)
	case od != nil && nd != nil:
		for _, f := range []struct {
			key      string
			old, new string
		}{
			{"name", od.Name, nd.Name},
			{"email", string(od.Email), string(nd.Email)},
			{"phone", od.Phone, nd.Phone},
			{"address", od.Address, nd.Address},
			{"url", string(od.URL), string(nd.URL)},
		} {
			c.value("dpo.changed", notice.Path{"dpo", f.key}, f.key, f.old, f.new)
		}
	}
	var or, nr string
	if c.old.Representative != nil {
		or = c.old.Representative.Name
	}
	if c.new.Representative != nil {
		nr = c.new.Representative.Name
	}
	c.value("representative.changed", notice.Path{"representative"}, "", or, nr)
	name := func(j notice.JointController) string { return j.Name }
	m := match(c.old.JointControllers, c.new.JointControllers, byText(name))
	c.listed("joint-controller", "joint_controllers", m, func(i int) string { return c.old.JointControllers[i].Name }, func(i int) string { return c.new.JointControllers[i].Name })
}

func dpoLabel(d *notice.DPO) string {
	for _, s := range []string{d.Name, string(d.Email), d.Phone, string(d.URL), d.Address} {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func (c *comparer) data() {
	od, nd := c.old.Data, c.new.Data
	m := match(od, nd, func(d notice.DataCategory) string { return d.ID })
	for _, p := range m.pairs {
		o, n := od[p[0]], nd[p[1]]
		at := notice.Path{"data", p[1]}
		if norm(o.Name) != norm(n.Name) {
			c.add("category.renamed", at.Child("name"), "", o.Name, n.Name, false)
		}
		c.value("category.art9-changed", at.Child("art9"), n.Name, codes(o.Art9), codes(n.Art9))
		c.value("category.art10-changed", at.Child("art10"), n.Name, o.Art10, n.Art10)
	}
	c.listed("category", "data", m, func(i int) string { return od[i].Name }, func(i int) string { return nd[i].Name })
}

func (c *comparer) sources() {
	os, ns := c.old.Sources, c.new.Sources
	m := match(os, ns, byText(func(s notice.Source) string { return s.Name }))
	pub := func(s notice.Source) string {
		switch {
		case !s.PublicStated:
			return ""
		case s.Public:
			return "public"
		}
		return "not_public"
	}
	for _, p := range m.pairs {
		c.value("source.public-changed", notice.Path{"sources", p[1], "public"}, ns[p[1]].Name, pub(os[p[0]]), pub(ns[p[1]]))
	}
	c.listed("source", "sources", m, func(i int) string { return os[i].Name }, func(i int) string { return ns[i].Name })
}

func (c *comparer) purposes() {
	op, np := c.old.Purposes, c.new.Purposes
	// A purpose keeps its identity through a rename when it has an id.
	m := match(op, np, func(p notice.Purpose) string { return p.ID }, byText(func(p notice.Purpose) string { return p.Name }))
	for _, pr := range m.pairs {
		o, n := op[pr[0]], np[pr[1]]
		at := notice.Path{"purposes", pr[1]}
		if norm(o.Name) != norm(n.Name) {
			c.add("purpose.renamed", at.Child("name"), "", o.Name, n.Name, false)
		}
		ob, nb := o.BasesOnly(), n.BasesOnly()
		if !sameSet(ob, nb) {
			// A basis the purpose did not rely on is material; one dropped
			// from several is not.
			material := slices.ContainsFunc(nb, func(b notice.Basis) bool { return !slices.Contains(ob, b) })
			c.add("basis.changed", basisPath(at, n), n.Name, joinBases(ob), joinBases(nb), material)
		}
		// The interest and the law are compared only under a basis both
		// versions rely on: a changed basis already says the rest.
		if o.Has(notice.LegitimateInterests) && n.Has(notice.LegitimateInterests) {
			oc, _ := o.Claim(notice.LegitimateInterests)
			nc, _ := n.Claim(notice.LegitimateInterests)
			c.value("basis.interest-changed", basisPath(at, n), n.Name, oc.Interest, nc.Interest)
		}
		c.value("basis.law-changed", basisPath(at, n), n.Name, laws(o, nb), laws(n, ob))
		c.value("purpose.data-changed", at.Child("data"), n.Name, names(c.old, o.Data, n.Data), names(c.new, n.Data, o.Data))
		c.value("purpose.art9-changed", at.Child("art9"), n.Name, codes(o.Art9), codes(n.Art9))
		c.value("purpose.art10-changed", at.Child("art10"), n.Name, o.Art10, n.Art10)
	}
	c.listed("purpose", "purposes", m, func(i int) string { return op[i].Name }, func(i int) string { return np[i].Name })
}

func basisPath(at notice.Path, p notice.Purpose) notice.Path {
	if len(p.Bases) > 0 {
		return at.Child("bases")
	}
	return at.Child("basis")
}

// laws lists the laws a purpose cites under the bases it shares with the
// other version (common).
func laws(p notice.Purpose, common []notice.Basis) string {
	var out []string
	for _, cl := range p.Claims() {
		if cl.Law != "" && slices.Contains(common, cl.Basis) {
			out = append(out, cl.Law)
		}
	}
	return strings.Join(out, "; ")
}

// names spells the data category ids of a purpose as their names, when
// the set differs from other's; "" when equal (no change to report).
func names(n *notice.Notice, ids, other []string) string {
	if sameSet(ids, other) {
		return ""
	}
	var out []string
	for _, id := range ids {
		name := id
		if i := slices.IndexFunc(n.Data, func(d notice.DataCategory) bool { return d.ID == id }); i >= 0 {
			name = n.Data[i].Name
		}
		out = append(out, name)
	}
	return strings.Join(out, ", ")
}

func (c *comparer) recipients() {
	or, nr := c.old.Recipients, c.new.Recipients
	known := countries(c.old)
	newCountry := func(country string) bool {
		return strings.TrimSpace(country) != "" && !known[norm(country)]
	}
	m := match(or, nr, byText(recipientLabel))
	for _, p := range m.pairs {
		o, n := or[p[0]], nr[p[1]]
		at := notice.Path{"recipients", p[1]}
		if norm(o.Country) != norm(n.Country) {
			c.add("recipient.country-changed", at.Child("country"), recipientLabel(n), o.Country, n.Country, newCountry(n.Country))
		}
		c.value("recipient.role-changed", at.Child("role"), recipientLabel(n), string(o.Role), string(n.Role))
	}
	c.listed("recipient", "recipients", m, func(i int) string { return recipientLabel(or[i]) }, func(i int) string { return recipientLabel(nr[i]) })
}

func recipientLabel(r notice.Recipient) string {
	if strings.TrimSpace(r.Name) != "" {
		return strings.TrimSpace(r.Name)
	}
	return strings.TrimSpace(r.Category)
}

// countries is every country a notice names as a destination of the data.
func countries(n *notice.Notice) map[string]bool {
	out := map[string]bool{}
	for _, r := range n.Recipients {
		if r.Country != "" {
			out[norm(r.Country)] = true
		}
	}
	if n.Transfers != nil {
		for _, t := range *n.Transfers {
			if t.To != "" {
				out[norm(t.To)] = true
			}
		}
	}
	return out
}

func (c *comparer) transfers() {
	nt := c.new.Transfers
	old, ok := statedList(c, c.old.Transfers, nt, "transfers")
	if !ok {
		return
	}
	// By destination and recipient, then by destination alone: a
	// recipient renamed is not a new transfer to a third country (the
	// recipients section says who changed).
	m := match(old, *nt, byText(transferLabel), byText(func(t notice.Transfer) string { return t.To }))
	for _, p := range m.pairs {
		c.value("transfer.safeguard-changed", notice.Path{"transfers", p[1], "safeguard"}, transferLabel((*nt)[p[1]]), safeguardOf(old[p[0]]), safeguardOf((*nt)[p[1]]))
	}
	c.listed("transfer", "transfers", m, func(i int) string { return transferLabel(old[i]) }, func(i int) string { return transferLabel((*nt)[i]) })
}

// statedList handles a list that is absent (not stated), empty (stated
// as none) or filled: it adds the "no longer stated" or "now none" change
// and returns the old items, or false when the items are not to be
// compared (a list no longer stated has not "lost" its items).
func statedList[T any](c *comparer, old, new *[]T, key string) ([]T, bool) {
	group := strings.Split(key, "_")[0] // transfers, automated
	switch {
	case old == nil && new == nil:
		return nil, false
	case new == nil:
		c.add(group+".unstated", notice.Path{key}, "", "", "", false)
		return nil, false
	case len(*new) == 0 && (old == nil || len(*old) > 0):
		c.add(group+".none", notice.Path{key}, "", "", "", false)
	}
	if old == nil {
		return nil, true
	}
	return *old, true
}

// transferLabel names a transfer: its destination, with the recipient;
// the notice's own words when it names neither.
func transferLabel(t notice.Transfer) string {
	to, rcpt := strings.TrimSpace(t.To), strings.TrimSpace(t.Recipient)
	switch {
	case to != "" && rcpt != "":
		return to + " (" + rcpt + ")"
	case to != "":
		return to
	case rcpt != "":
		return rcpt
	}
	return strings.TrimSpace(t.Details)
}

// safeguardOf is the safeguard code, with the Art 49(1) point for a
// derogation ("derogation 49(1)(b)").
func safeguardOf(t notice.Transfer) string {
	if t.Safeguard == "derogation" && t.Derogation != "" {
		return "derogation " + t.Derogation
	}
	return string(t.Safeguard)
}

func (c *comparer) retention() {
	or, nr := c.old.Retention, c.new.Retention
	m := match(or, nr, byText(func(r notice.RetentionRule) string { return r.Records }))
	for _, p := range m.pairs {
		o, n := or[p[0]], nr[p[1]]
		at := notice.Path{"retention", p[1]}
		op, np := o.Period, n.Period
		switch {
		case op.IsZero() || np.IsZero():
			c.value("retention.changed", at.Child("period"), n.Records, op.String(), np.String())
		case np.ApproxDays() > op.ApproxDays():
			c.add("retention.longer", at.Child("period"), n.Records, op.String(), np.String(), true)
		case np.ApproxDays() < op.ApproxDays():
			c.add("retention.shorter", at.Child("period"), n.Records, op.String(), np.String(), false)
		case op != np:
			c.add("retention.changed", at.Child("period"), n.Records, op.String(), np.String(), false)
		}
		if norm(o.Criteria) != norm(n.Criteria) {
			c.add("retention.criteria-changed", at.Child("criteria"), n.Records, o.Criteria, n.Criteria, false)
		}
		c.value("retention.from-changed", at.Child("from"), n.Records, o.From, n.From)
	}
	for _, i := range m.added {
		c.add("retention.added", notice.Path{"retention", i}, nr[i].Records, "", nr[i].Period.String(), false)
	}
	for _, i := range m.removed {
		c.add("retention.removed", notice.Path{"retention", i}, or[i].Records, "", "", false)
	}
}

func (c *comparer) automated() {
	na := c.new.AutomatedDecisions
	old, ok := statedList(c, c.old.AutomatedDecisions, na, "automated_decisions")
	if !ok {
		return
	}
	m := match(old, *na, byText(func(a notice.AutomatedDecision) string { return a.What }))
	review := func(a notice.AutomatedDecision) string {
		if !a.HumanReviewStated {
			return ""
		}
		return yesno(a.HumanReview)
	}
	for _, p := range m.pairs {
		o, n := old[p[0]], (*na)[p[1]]
		at := notice.Path{"automated_decisions", p[1]}
		if norm(o.Logic) != norm(n.Logic) || norm(o.Effect) != norm(n.Effect) {
			c.add("automated.changed", at, n.What, "", "", false)
		}
		c.value("automated.review-changed", at.Child("human_review"), n.What, review(o), review(n))
	}
	c.listed("automated", "automated_decisions", m, func(i int) string { return old[i].What }, func(i int) string { return (*na)[i].What })
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (c *comparer) cookies() {
	oc, nc := c.old.Cookies, c.new.Cookies
	ocat, ncat := cookieCategories(oc), cookieCategories(nc)
	for _, cat := range ncat {
		if !slices.Contains(ocat, cat) {
			i := slices.IndexFunc(nc, func(k notice.Cookie) bool { return k.Category == cat })
			c.add("cookie-category.added", notice.Path{"cookies", i, "category"}, "", "", cat, true)
		}
	}
	for _, cat := range ocat {
		if !slices.Contains(ncat, cat) {
			i := slices.IndexFunc(oc, func(k notice.Cookie) bool { return k.Category == cat })
			c.add("cookie-category.removed", notice.Path{"cookies", i, "category"}, "", cat, "", false)
		}
	}
	key := func(k notice.Cookie) string {
		if k.Name == "" {
			return "category:" + k.Category + "|" + norm(k.Provider)
		}
		return k.Name + "|" + norm(k.Provider)
	}
	m := match(oc, nc, key)
	third := func(k notice.Cookie) string {
		if !k.ThirdPartyStated {
			return ""
		}
		return yesno(k.ThirdParty)
	}
	for _, p := range m.pairs {
		o, n := oc[p[0]], nc[p[1]]
		at := notice.Path{"cookies", p[1]}
		if o.Category != n.Category {
			c.add("cookie.category-changed", at.Child("category"), cookieLabel(n), o.Category, n.Category, false)
		}
		c.value("cookie.duration-changed", at.Child("duration"), cookieLabel(n), o.Duration.String(), n.Duration.String())
		c.value("cookie.third-party-changed", at.Child("third_party"), cookieLabel(n), third(o), third(n))
	}
	for _, i := range m.added {
		c.add("cookie.added", notice.Path{"cookies", i}, cookieLabel(nc[i]), "", nc[i].Category, false)
	}
	for _, i := range m.removed {
		c.add("cookie.removed", notice.Path{"cookies", i}, cookieLabel(oc[i]), oc[i].Category, "", false)
	}
}

func cookieCategories(cs []notice.Cookie) []string {
	var out []string
	for _, k := range cs {
		if !slices.Contains(out, k.Category) {
			out = append(out, k.Category)
		}
	}
	return out
}

// cookieLabel names a cookie: its name, else who sets it, else what it is for.
func cookieLabel(k notice.Cookie) string {
	for _, s := range []string{k.Name, k.Provider, k.Purpose} {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func (c *comparer) rights() {
	// The rights themselves follow from the bases (notice.DerivedRights);
	// compared only when both versions state purposes, so a notice that
	// appears does not "gain" every right.
	if len(c.old.Purposes) > 0 && len(c.new.Purposes) > 0 && !sameBases(c.old, c.new) {
		or, nr := applying(c.old), applying(c.new)
		for _, r := range rightIDs {
			switch {
			case nr[r] && !or[r]:
				c.add("right.added", notice.Path{"rights"}, "", "", r, false)
			case or[r] && !nr[r]:
				c.add("right.removed", notice.Path{"rights"}, "", r, "", false)
			}
		}
	}
	oe, ou, oa := c.old.RightsChannel()
	ne, nu, na := c.new.RightsChannel()
	c.value("rights.contact-changed", notice.Path{"rights", "email"}, "email", string(oe), string(ne))
	c.value("rights.contact-changed", notice.Path{"rights", "url"}, "url", string(ou), string(nu))
	c.value("rights.contact-changed", notice.Path{"rights", "address"}, "address", oa, na)
	c.value("rights.withdraw-changed", notice.Path{"rights", "withdraw"}, "", c.old.Rights.Withdraw, c.new.Rights.Withdraw)
	ocp, ncp := c.old.Rights.Complaints, c.new.Rights.Complaints
	c.value("rights.complaints-changed", notice.Path{"rights", "complaints", "email"}, "email", string(ocp.Email), string(ncp.Email))
	c.value("rights.complaints-changed", notice.Path{"rights", "complaints", "url"}, "url", string(ocp.URL), string(ncp.URL))
	c.value("complaint.changed", notice.Path{"supervisory_authority"}, "", authorityOf(c.old), authorityOf(c.new))
}

// sameBases reports whether both versions have the same purposes with the
// same bases, data and Art 9 conditions, so the rights derived from them
// (notice.DerivedRights, explicit consent included) cannot differ.
func sameBases(a, b *notice.Notice) bool {
	return slices.EqualFunc(a.Purposes, b.Purposes, func(p, q notice.Purpose) bool {
		return slices.Equal(p.BasesOnly(), q.BasesOnly()) && slices.Equal(p.Art9, q.Art9) && slices.Equal(p.Data, q.Data)
	}) && slices.EqualFunc(a.Data, b.Data, func(x, y notice.DataCategory) bool {
		return x.ID == y.ID && slices.Equal(x.Art9, y.Art9)
	})
}

// applying is the set of rights that apply to at least one purpose.
func applying(n *notice.Notice) map[string]bool {
	out := map[string]bool{}
	for _, d := range n.DerivedRights() {
		if d.All || len(d.Purposes) > 0 {
			out[string(d.Right)] = true
		}
	}
	return out
}

// authorityOf is a built-in authority's key, or a custom one's name.
func authorityOf(n *notice.Notice) string {
	if n.Authority.Custom != nil {
		return n.Authority.Custom.NameIn(n.Lang)
	}
	return n.Authority.Key
}

// listed adds GROUP.added for each new item and GROUP.removed for each
// one gone, named by the functions; an addition is material when the kinds
// table gives it a reason to be.
func (c *comparer) listed(group, key string, m matching, oldName, newName func(int) string) {
	for _, i := range m.added {
		c.add(group+".added", notice.Path{key, i}, "", "", newName(i), kinds[group+".added"].why != "")
	}
	for _, i := range m.removed {
		c.add(group+".removed", notice.Path{key, i}, "", oldName(i), "", false)
	}
}

// value adds a change of one value when it differs, "" meaning not stated.
func (c *comparer) value(kind string, path notice.Path, subject, old, new string) {
	if norm(old) != norm(new) {
		c.add(kind, path, subject, strings.TrimSpace(old), strings.TrimSpace(new), false)
	}
}

// norm is how two texts are compared: case and spacing do not make a change.
func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func byText[T any](f func(T) string) func(T) string {
	return func(t T) string { return norm(f(t)) }
}

func codes[T ~string](cs []T) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	slices.Sort(s)
	return strings.Join(s, ", ")
}

func joinBases(bs []notice.Basis) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}

func sameSet[T comparable](a, b []T) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// matching pairs the items of two versions of a list.
type matching struct {
	pairs   [][2]int // old index, new index; in new order
	added   []int    // new indexes with no old item
	removed []int    // old indexes with no new item
}

// match pairs items by each key in turn (an empty key never matches), so
// a purpose keeps its identity by id through a rename, then by name. Of
// items with one key, the first pairs with the first.
func match[T any](old, new []T, keys ...func(T) string) matching {
	oldTaken := make([]bool, len(old))
	newTo := make([]int, len(new))
	for i := range newTo {
		newTo[i] = -1
	}
	for _, key := range keys {
		for j, n := range new {
			if newTo[j] >= 0 {
				continue
			}
			k := key(n)
			if k == "" {
				continue
			}
			for i, o := range old {
				if !oldTaken[i] && key(o) == k {
					oldTaken[i], newTo[j] = true, i
					break
				}
			}
		}
	}
	var m matching
	for j, i := range newTo {
		if i >= 0 {
			m.pairs = append(m.pairs, [2]int{i, j})
		} else {
			m.added = append(m.added, j)
		}
	}
	for i, taken := range oldTaken {
		if !taken {
			m.removed = append(m.removed, i)
		}
	}
	return m
}

package notice

import "strings"

// What the notice does not say. notis has one way to say "not stated":
// the key is absent (see docs/front-matter.md). Absence is never filled
// with a default: the page leaves the fact out, the lint judges it under
// the article that asks for it, and notices.json lists it here.

// Unstated lists the front matter paths of the Art 13/14 elements the
// notice does not state, in model order: "updated", "supervisory_authority",
// "purposes[1].basis", "sources[0].public" …. An empty list under a key
// that means "none" (transfers: [], automated_decisions: []) is stated.
func (n *Notice) Unstated() []string {
	var out []string
	add := func(ok bool, path ...any) {
		if !ok {
			out = append(out, Path(path).String())
		}
	}
	add(!n.Updated.IsZero(), "updated")
	add(strings.TrimSpace(n.Controller.Name) != "", "controller")
	for i, j := range n.JointControllers {
		add(strings.TrimSpace(j.Responsibilities) != "", "joint_controllers", i, "responsibilities")
	}
	add(n.Authority.Key != "" || n.Authority.Custom != nil, "supervisory_authority")
	for i, s := range n.Sources {
		add(s.PublicStated, "sources", i, "public")
	}
	for i, r := range n.Requirements {
		add(strings.TrimSpace(r.Consequence) != "" || r.Kind == "voluntary", "requirements", i, "consequence")
	}
	add(len(n.Purposes) > 0, "purposes")
	for i, p := range n.Purposes {
		add(len(p.Claims()) > 0, "purposes", i, "basis")
	}
	add(len(n.Recipients) > 0, "recipients")
	add(n.Transfers != nil, "transfers")
	if n.Transfers != nil {
		for i, t := range *n.Transfers {
			add(strings.TrimSpace(t.To) != "", "transfers", i, "to")
			add(t.Safeguard != "", "transfers", i, "safeguard")
		}
	}
	add(len(n.Retention) > 0, "retention")
	add(n.AutomatedDecisions != nil, "automated_decisions")
	if n.AutomatedDecisions != nil {
		for i, a := range *n.AutomatedDecisions {
			add(a.HumanReviewStated, "automated_decisions", i, "human_review")
		}
	}
	for i, c := range n.Cookies {
		add(c.Name != "", "cookies", i, "name")
		add(c.Duration.Session || !c.Duration.Period.IsZero(), "cookies", i, "duration")
		add(c.ThirdPartyStated, "cookies", i, "third_party")
	}
	return out
}

// statedFalse lists the keys of a model type given as false, which the
// encoder keeps: a false that was said is a fact, unlike one that was not.
type statedFalse interface{ statedFalse() []string }

func (s Source) statedFalse() []string {
	if s.PublicStated && !s.Public {
		return []string{"public"}
	}
	return nil
}

func (c Cookie) statedFalse() []string {
	if c.ThirdPartyStated && !c.ThirdParty {
		return []string{"third_party"}
	}
	return nil
}

func (a AutomatedDecision) statedFalse() []string {
	if a.HumanReviewStated && !a.HumanReview {
		return []string{"human_review"}
	}
	return nil
}

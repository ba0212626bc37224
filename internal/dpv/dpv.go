// Package dpv describes a notice in the W3C Data Privacy Vocabulary (DPV
// 2.1), as JSON-LD a notice page embeds for machines: its purposes with
// their legal bases, the personal data categories, the recipients, the
// transfers with their safeguards, and how long records are kept.
//
// It says only what the notice says. A key the notice leaves out is left
// out here too; a fact the notice gives in its own words, with no DPV term
// that says exactly that, is emitted as the closest generic DPV term with
// the notice's words as its label (a purpose is a dpv:Purpose labelled
// with its name, never a guessed dpv:Marketing). Legal bases are GDPR
// terms (eu-gdpr:A6-1-a …) only when the notice says it is written under
// EU or Swedish law; a UK notice, or one that names no law, gets DPV's
// law-neutral bases (dpv:Consent …).
//
// Every term used is in terms.tsv, the list checked against the DPV 2.1
// source files, with its licence beside it.
package dpv

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/period"
)

// Prefixes are the namespaces the JSON-LD's @context declares.
var Prefixes = map[string]string{
	"dpv":     "https://w3id.org/dpv#",
	"pd":      "https://w3id.org/dpv/pd#",
	"eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
	"rdfs":    "http://www.w3.org/2000/01/rdf-schema#",
	"rdf":     "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"xsd":     "http://www.w3.org/2001/XMLSchema#",
}

//go:embed terms.tsv
var termsTSV []byte

// Term is one line of terms.tsv.
type Term struct {
	Name, IRI, Label, Source string
}

// Terms lists terms.tsv, in file order.
func Terms() ([]Term, error) {
	var out []Term
	s := bufio.NewScanner(bytes.NewReader(termsTSV))
	for line := 1; s.Scan(); line++ {
		text := s.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("terms.tsv:%d: %d columns, want 4 (term, IRI, label, source)", line, len(f))
		}
		out = append(out, Term{Name: f[0], IRI: f[1], Label: f[2], Source: f[3]})
	}
	return out, s.Err()
}

// TermsUsed lists every term a JSON-LD document names, sorted and
// without repeats, for a check against Terms: the keys of its
// nodes, and the values of @type and of @id where @id is a compact IRI
// (not a blank node or the page's URL).
func TermsUsed(doc any) []string {
	var out []string
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch x := v.(type) {
		case map[string]any:
			for k, v := range x {
				if k == "@context" {
					continue
				}
				if !strings.HasPrefix(k, "@") {
					out = append(out, k)
				}
				walk(v, k)
			}
		case []any:
			for _, v := range x {
				walk(v, key)
			}
		case string:
			if key == "@type" || (key == "@id" && !strings.HasPrefix(x, "_:") && !strings.Contains(x, "://")) {
				out = append(out, x)
			}
		}
	}
	walk(doc, "")
	slices.Sort(out)
	return slices.Compact(out)
}

// Labels gives the page's words for an i18n key, in the notice's language.
type Labels func(key string, args ...any) (string, error)

// Node is a JSON-LD node. A map, so that html/template writes it into a
// <script> as JSON escaped for that context (<, > and & as \u003c …): a
// name holding "</script>" cannot end the element.
type Node = map[string]any

// Describe is the JSON-LD for notice n, whose page is at pageURL: a
// dpv:PrivacyNotice, and the dpv:Process it describes.
func Describe(n *notice.Notice, pageURL string, t Labels) (Node, error) {
	d := describer{n: n, t: t, data: map[string]string{}}
	d.law = statedLaw(n)
	return d.describe(pageURL)
}

type describer struct {
	n    *notice.Notice
	t    Labels
	law  notice.Jurisdiction // "" when the notice names none
	data map[string]string   // data category id → its blank node id
	err  error               // the first label that failed
}

// statedLaw is the law the notice says it is written under, directly or
// through its supervisory authority; "" when it says neither (notice.Law
// defaults to EU, which would state a fact the notice does not).
func statedLaw(n *notice.Notice) notice.Jurisdiction {
	if n.Jurisdiction != "" {
		return n.Jurisdiction
	}
	if a, ok := n.Authority.Resolve(); ok {
		return a.Jurisdiction
	}
	return ""
}

// gdpr reports whether the notice is written under the EU GDPR: Sweden's
// law is the GDPR with dataskyddslagen beside it.
func (d *describer) gdpr() bool { return d.law == "eu" || d.law == "se" }

func (d *describer) label(key string, args ...any) string {
	s, err := d.t(key, args...)
	if err != nil && d.err == nil {
		d.err = err
	}
	return s
}

func (d *describer) describe(pageURL string) (Node, error) {
	n := d.n
	context := Node{"@language": n.Lang}
	for p, iri := range Prefixes {
		context[p] = iri
	}
	doc := Node{"@id": pageURL, "@type": "dpv:PrivacyNotice", "rdfs:label": n.Title}
	proc := Node{"@id": "_:processing", "@type": "dpv:Process", "dpv:hasNotice": Node{"@id": pageURL}}

	if c := d.controller(); c != nil {
		proc["dpv:hasDataController"] = c
	}
	if len(n.JointControllers) > 0 {
		var members []any
		for _, j := range n.JointControllers {
			members = append(members, withText(Node{"@type": "dpv:DataController"}, "dpv:hasName", j.Name, "dpv:hasContact", j.Contact, "rdfs:comment", j.Responsibilities))
		}
		proc["dpv:hasJointDataControllers"] = Node{"@type": "dpv:JointDataControllers", "dpv:hasDataController": members}
	}
	if a, ok := n.Authority.Resolve(); ok {
		proc["dpv:hasAuthority"] = withText(Node{"@type": "dpv:DataProtectionAuthority"},
			"dpv:hasName", a.NameIn(n.Lang), "dpv:hasAddress", a.AddressIn(n.Lang), "dpv:hasContact", a.URL)
	}
	if data := d.dataCategories(); len(data) > 0 {
		proc["dpv:hasPersonalData"] = data
	}
	if sources := d.sources(); len(sources) > 0 {
		proc["dpv:hasDataSource"] = sources
	}
	var parts []any
	for _, p := range n.Purposes {
		parts = append(parts, d.purpose(p))
	}
	if n.Transfers != nil {
		for _, tr := range *n.Transfers {
			parts = append(parts, d.transfer(tr))
		}
	}
	if len(parts) > 0 {
		proc["dpv:hasProcess"] = parts
	}
	if recipients := d.recipients(); len(recipients) > 0 {
		proc["dpv:hasRecipient"] = recipients
	}
	if kept := d.retention(); len(kept) > 0 {
		proc["dpv:hasStorageCondition"] = kept
	}
	if d.err != nil {
		return nil, d.err
	}
	return Node{"@context": context, "@graph": []any{doc, proc}}, nil
}

// withText adds each (key, value) pair whose value is not empty.
func withText(n Node, pairs ...string) Node {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			n[pairs[i]] = pairs[i+1]
		}
	}
	return n
}

// labelled is a node of a generic type labelled with the notice's words.
func labelled(typ, words string) Node { return Node{"@type": typ, "rdfs:label": words} }

// contacts lists the non-empty ways to reach someone.
func contacts(values ...string) any {
	var out []any
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

func setIf(n Node, key string, v any) {
	switch x := v.(type) {
	case nil:
		return
	case []any:
		if len(x) == 0 {
			return
		}
	}
	n[key] = v
}

func (d *describer) controller() Node {
	c := d.n.Controller
	node := withText(Node{"@type": "dpv:DataController"}, "dpv:hasName", c.Name, "dpv:hasAddress", c.Address)
	setIf(node, "dpv:hasContact", contacts(string(c.Email), c.Phone, string(c.URL)))
	if r := d.n.Representative; r != nil {
		rep := withText(Node{"@type": "dpv:Representative"}, "dpv:hasName", r.Name, "dpv:hasAddress", r.Address)
		setIf(rep, "dpv:hasContact", contacts(string(r.Email), r.Phone))
		node["dpv:hasRepresentative"] = rep
	}
	if o := d.n.DPO; o != nil {
		dpo := withText(Node{"@type": "dpv:DataProtectionOfficer"}, "dpv:hasName", o.Name, "dpv:hasAddress", o.Address)
		setIf(dpo, "dpv:hasContact", contacts(string(o.Email), o.Phone, string(o.URL)))
		node["dpv:hasDataProtectionOfficer"] = dpo
	}
	if len(node) == 1 {
		return nil // the notice names no controller
	}
	return node
}

// dataCategories lists the data categories as blank nodes the purposes,
// recipients and retention rules refer to.
func (d *describer) dataCategories() []any {
	var out []any
	for i, c := range d.n.Data {
		id := "_:data-" + strconv.Itoa(i+1)
		if _, dup := d.data[c.ID]; !dup {
			d.data[c.ID] = id
		}
		types := []any{"dpv:PersonalData"}
		if c.Special {
			types = append(types, "dpv:SpecialCategoryPersonalData")
		}
		if c.Criminal {
			types = append(types, "pd:Criminal")
		}
		node := Node{"@id": id, "@type": oneOrMany(types), "rdfs:label": c.Name}
		var bases []any
		for _, a := range c.Art9 {
			bases = append(bases, d.art9(a))
		}
		setIf(node, "dpv:hasLegalBasis", oneOrMany(bases))
		out = append(out, node)
	}
	if n := d.n; n.Personnummer != "" {
		// Swedish personal identity numbers: the notice says why it
		// uses them, so it uses them.
		out = append(out, Node{"@id": "_:personnummer", "@type": "pd:OfficialID",
			"rdfs:label": "personnummer", "rdfs:comment": n.Personnummer})
	}
	return out
}

func oneOrMany(xs []any) any {
	switch len(xs) {
	case 0:
		return nil
	case 1:
		return xs[0]
	}
	return xs
}

// refs points at the data categories ids name; an id the notice does not
// define (the lint reports it) is skipped.
func (d *describer) refs(ids []string) any {
	var out []any
	for _, id := range ids {
		if node, ok := d.data[id]; ok {
			out = append(out, Node{"@id": node})
		}
	}
	return oneOrMany(out)
}

func (d *describer) sources() []any {
	var out []any
	for _, s := range d.n.Sources {
		typ := "dpv:DataSource" // public or not: the notice does not say
		if s.PublicStated {
			typ = "dpv:NonPublicDataSource"
			if s.Public {
				typ = "dpv:PublicDataSource"
			}
		}
		node := labelled(typ, s.Name)
		setIf(node, "dpv:hasPersonalData", d.refs(s.Data))
		out = append(out, node)
	}
	return out
}

// gdprBasis is the GDPR term for each Art 6(1) basis (DPV's eu-gdpr
// extension, legal_basis.csv).
var gdprBasis = map[notice.Basis]string{
	notice.Consent: "eu-gdpr:A6-1-a", notice.Contract: "eu-gdpr:A6-1-b", notice.LegalObligation: "eu-gdpr:A6-1-c",
	notice.VitalInterests: "eu-gdpr:A6-1-d", notice.PublicTask: "eu-gdpr:A6-1-e", notice.LegitimateInterests: "eu-gdpr:A6-1-f",
}

// neutralBasis is DPV's law-neutral term for each basis. Public task has
// none: DPV splits it into dpv:PublicInterest and
// dpv:OfficialAuthorityOfController, and a notice that says "public task"
// does not say which, so it is a dpv:LegalBasis in the notice's words.
var neutralBasis = map[notice.Basis]string{
	notice.Consent: "dpv:Consent", notice.Contract: "dpv:Contract", notice.LegalObligation: "dpv:LegalObligation",
	notice.VitalInterests: "dpv:VitalInterest", notice.LegitimateInterests: "dpv:LegitimateInterest",
}

func (d *describer) basis(b notice.Basis) any {
	if d.gdpr() {
		return Node{"@id": gdprBasis[b]}
	}
	if term, ok := neutralBasis[b]; ok {
		return Node{"@id": term}
	}
	return labelled("dpv:LegalBasis", d.label("basis."+string(b)))
}

// art9 is an Art 9(2) condition, "9(2)(b)": eu-gdpr:A9-2-b under the
// GDPR, else a dpv:LegalBasis labelled as the page cites it.
func (d *describer) art9(c notice.Art9) any {
	s := string(c)
	if d.gdpr() && len(s) == len("9(2)(b)") && strings.HasPrefix(s, "9(2)(") {
		return Node{"@id": "eu-gdpr:A9-2-" + s[5:6]}
	}
	return labelled("dpv:LegalBasis", d.label("rights.article", "article", s))
}

func (d *describer) purpose(p notice.Purpose) Node {
	node := Node{"@type": "dpv:Process", "dpv:hasPurpose": labelled("dpv:Purpose", p.Name)}
	var bases, laws []any
	for _, c := range p.Claims() {
		bases = append(bases, d.basis(c.Basis))
		if c.Law != "" {
			laws = append(laws, labelled("dpv:Law", c.Law))
		}
	}
	for _, a := range p.Art9 {
		bases = append(bases, d.art9(a))
	}
	setIf(node, "dpv:hasLegalBasis", oneOrMany(bases))
	setIf(node, "dpv:hasApplicableLaw", oneOrMany(laws))
	setIf(node, "dpv:hasPersonalData", d.refs(p.Data))
	if p.Details != "" {
		node["rdfs:comment"] = p.Details
	}
	return node
}

// recipientType is the DPV entity for each role. A joint controller is a
// dpv:DataController (dpv:JointDataControllers is the group, not one of
// its members); a team inside the controller, or a recipient whose role
// the notice does not give, is a plain dpv:Recipient.
var recipientType = map[notice.Role]string{
	"processor": "dpv:DataProcessor", "controller": "dpv:DataController",
	"joint_controller": "dpv:DataController", "authority": "dpv:Authority",
}

func (d *describer) recipients() []any {
	var out []any
	for _, r := range d.n.Recipients {
		typ, ok := recipientType[r.Role]
		if !ok {
			typ = "dpv:Recipient"
		}
		node := withText(Node{"@type": typ}, "dpv:hasName", r.Name, "rdfs:label", r.Category)
		if r.Role != "" {
			node["rdfs:comment"] = d.label("role." + string(r.Role))
		}
		if r.Country != "" {
			node["dpv:hasCountry"] = labelled("dpv:Country", r.Country)
		}
		if r.Purpose != "" {
			node["dpv:hasPurpose"] = labelled("dpv:Purpose", r.Purpose)
		}
		setIf(node, "dpv:hasPersonalData", d.refs(r.Data))
		out = append(out, node)
	}
	return out
}

// gdprSafeguard is the GDPR Chapter V term for each safeguard that has
// one (DPV's legal_basis_data_transfer.csv). Left out, and so emitted as
// a dpv:DataTransferLegalBasis in the page's words: the 2010 clauses,
// Safe Harbor and Privacy Shield, decided under Directive 95/46 before
// the GDPR; the UK's own tools; and a derogation whose point is not one
// of 49(1)(a)–(g).
var gdprSafeguard = map[notice.Safeguard]string{
	// An adequacy decision, and the Data Privacy Framework, which is one:
	// Commission Implementing Decision (EU) 2023/1795 of 10 July 2023,
	// recital 2, adopted under Art 45(3).
	"adequacy": "eu-gdpr:A45-3", "dpf": "eu-gdpr:A45-3",
	// The 2021 clauses: Commission Implementing Decision (EU) 2021/914,
	// adopted "in particular [under] Article 28(7) and Article 46(2)(c)".
	"scc": "eu-gdpr:A46-2-c",
	"bcr": "eu-gdpr:A46-2-b", "code_of_conduct": "eu-gdpr:A46-2-e", "certification": "eu-gdpr:A46-2-f",
}

func (d *describer) safeguard(tr notice.Transfer) any {
	if d.gdpr() {
		if term, ok := gdprSafeguard[tr.Safeguard]; ok {
			return Node{"@id": term}
		}
		if p := tr.Derogation; tr.Safeguard == "derogation" && len(p) == len("49(1)(a)") && strings.HasPrefix(p, "49(1)(") && p[6] >= 'a' && p[6] <= 'g' && p[7] == ')' {
			return Node{"@id": "eu-gdpr:A49-1-" + p[6:7]}
		}
	}
	return labelled("dpv:DataTransferLegalBasis", d.label("safeguard."+string(tr.Safeguard), "article", tr.Derogation))
}

func (d *describer) transfer(tr notice.Transfer) Node {
	node := Node{"@type": "dpv:Process", "dpv:hasProcessing": Node{"@id": "dpv:Transfer"}}
	if tr.To != "" {
		node["dpv:hasThirdCountry"] = labelled("dpv:ThirdCountry", tr.To)
	}
	if tr.Recipient != "" {
		node["dpv:hasRecipient"] = Node{"@type": "dpv:Recipient", "dpv:hasName": tr.Recipient}
	}
	if tr.Safeguard != "" {
		node["dpv:hasLegalBasis"] = d.safeguard(tr)
	}
	if tr.Details != "" {
		node["rdfs:comment"] = tr.Details
	}
	return node
}

func (d *describer) retention() []any {
	var out []any
	for _, r := range d.n.Retention {
		node := labelled("dpv:StorageDuration", r.Records)
		if !r.Period.IsZero() {
			node["dpv:hasDuration"] = Node{"@type": "dpv:TemporalDuration",
				"rdf:value": Node{"@value": xsdDuration(r.Period), "@type": "xsd:duration"}}
		}
		var notes []any
		if r.From != "" {
			notes = append(notes, d.label("retention.from")+": "+r.From)
		}
		if r.Criteria != "" {
			notes = append(notes, r.Criteria)
		}
		setIf(node, "rdfs:comment", oneOrMany(notes))
		if r.Law != "" {
			node["dpv:hasApplicableLaw"] = labelled("dpv:Law", r.Law)
		}
		setIf(node, "dpv:hasPersonalData", d.refs(r.Data))
		out = append(out, node)
	}
	return out
}

// xsdDuration writes p as an xsd:duration, which has no weeks: a week is
// seven days, so P2W is P14D.
func xsdDuration(p period.Period) string {
	p.Days += 7 * p.Weeks
	p.Weeks = 0
	return p.String()
}

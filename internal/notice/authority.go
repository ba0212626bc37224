package notice

// Authority is a supervisory authority a data subject can complain to
// (Art 77). Names and addresses are per language; "*" holds the text for
// any language (custom authorities written in a notice's own language).
type Authority struct {
	Key     string            `json:"key,omitempty"`
	Name    map[string]string `json:"name"`
	Address map[string]string `json:"address,omitempty"`
	Phone   string            `json:"phone,omitempty"`
	URL     string            `json:"url,omitempty"`
	// Jurisdiction is the law the authority supervises.
	Jurisdiction Jurisdiction `json:"jurisdiction,omitempty"`
	// ValidFrom and ValidTo bound the dates the authority existed under
	// this name (YYYY-MM-DD; empty means open).
	ValidFrom, ValidTo string `json:"-"`
	// RenamedTo is the key of the authority that replaced this one.
	RenamedTo string `json:"-"`
	// Source is where a DPO can check these facts.
	Source string `json:"-"`
}

// in returns a per-language text, falling back to the text for every
// language ("*", a custom authority's), then English.
func in(m map[string]string, lang string) string {
	if s, ok := m[lang]; ok {
		return s
	}
	if s, ok := m["*"]; ok {
		return s
	}
	return m["en"]
}

// NameIn is the authority's name in a language.
func (a Authority) NameIn(lang string) string { return in(a.Name, lang) }

// AddressIn is the authority's postal address in a language.
func (a Authority) AddressIn(lang string) string { return in(a.Address, lang) }

// Authorities are the built-in supervisory authorities, by key. Every fact
// carries its source so a DPO can check it.
var Authorities = map[string]Authority{
	"ico": {
		Key: "ico",
		Name: map[string]string{
			"en": "Information Commissioner's Office (ICO)",
			"sv": "Information Commissioner's Office (ICO), Storbritanniens dataskyddsmyndighet",
		},
		Address: map[string]string{
			"*": "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF, United Kingdom",
		},
		Phone:        "0303 123 1113",
		URL:          "https://ico.org.uk/make-a-complaint/",
		Jurisdiction: "uk",
		Source:       "https://ico.org.uk/global/contact-us/ (postal address and helpline; also quoted in the Essex Primary Care Careers notice)",
	},
	"imy": {
		Key: "imy",
		Name: map[string]string{
			"en": "Swedish Authority for Privacy Protection (Integritetsskyddsmyndigheten, IMY)",
			"sv": "Integritetsskyddsmyndigheten (IMY)",
		},
		Address: map[string]string{
			"*":  "Integritetsskyddsmyndigheten, Box 8114, 104 20 Stockholm, Sverige",
			"en": "Integritetsskyddsmyndigheten, Box 8114, 104 20 Stockholm, Sweden",
		},
		URL:          "https://www.imy.se/",
		Jurisdiction: "se",
		ValidFrom:    "2021-01-01",
		Source:       "https://www.imy.se/om-oss/etjanst-avbrott/ (postal address); IMY annual report 2020, https://www.imy.se/publikationer/arsredovisning-2020/ (renamed from Datainspektionen on 1 January 2021)",
	},
	"datainspektionen": {
		Key: "datainspektionen",
		Name: map[string]string{
			"en": "Swedish Data Protection Authority (Datainspektionen)",
			"sv": "Datainspektionen",
		},
		Address: map[string]string{
			"*": "Datainspektionen, Box 8114, 104 20 Stockholm, Sverige",
		},
		URL:          "https://www.imy.se/",
		Jurisdiction: "se",
		ValidTo:      "2020-12-31",
		RenamedTo:    "imy",
		Source:       "IMY annual report 2020, https://www.imy.se/publikationer/arsredovisning-2020/ (Datainspektionen became Integritetsskyddsmyndigheten on 1 January 2021)",
	},
}

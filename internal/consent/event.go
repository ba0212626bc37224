package consent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/notis-dev/notis/internal/consentwire"
)

// Event is the body the banner posts to /v1/consents (the wire contract in
// DESIGN.md): one choice a visitor made.
type Event struct {
	V       int             `json:"v"`
	Event   string          `json:"event"` // new per event; makes retries idempotent
	ID      string          `json:"id"`    // the consent id kept in the visitor's cookie
	Site    string          `json:"site"`
	Version string          `json:"version"`
	Lang    string          `json:"lang"`
	Choices map[string]bool `json:"choices"`
	Method  string          `json:"method"`
	GPC     bool            `json:"gpc"`
	URL     string          `json:"url"`
}

// FieldError is a rejected body: what is wrong and in which field. It is
// what the 400 answer carries as {"error": ..., "field": ...}.
type FieldError struct {
	Field string `json:"field,omitempty"`
	Msg   string `json:"error"`
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func fieldErr(field, format string, a ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

// Methods are the ways a visitor can make a choice.
var Methods = []string{"accept_all", "reject_all", "custom", "withdraw", "gpc"}

var (
	siteIDPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

const maxURL = 2048

// Decode parses a body strictly: one JSON object, no unknown fields, the
// right types, every required field present and well-formed. It checks the
// event on its own; Validate checks it against the site's configuration.
func Decode(body []byte) (*Event, error) {
	ev, ok := decodePlain(body)
	if !ok {
		var err *FieldError
		if ev, err = decodeStrict(body); err != nil {
			return nil, err
		}
	}
	if err := ev.check(); err != nil {
		return nil, err
	}
	return ev, nil
}

// decodeStrict is Decode's parser for every body: encoding/json, strict.
func decodeStrict(body []byte) (*Event, *FieldError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fieldErr("", "empty body: want a JSON consent event")
	}
	seen, ferr := checkFields(body)
	if ferr != nil {
		return nil, ferr
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var ev Event
	if err := dec.Decode(&ev); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fieldErr("", "unexpected data after the JSON object")
	}
	if !seen["gpc"] {
		return nil, errNoGPC
	}
	return &ev, nil
}

// errNoGPC: a missing gpc must not be stored as false, a signal the
// browser may well have sent. Every banner sends it.
var errNoGPC = fieldErr("gpc", "missing: want true or false (navigator.globalPrivacyControl as the banner saw it)")

// checkFields holds an object body to what encoding/json lets through
// loosely: field names must match exactly (it matches them ignoring case),
// each may appear once (it keeps the last), and no value, nor any choice,
// may be null (it reads null as the zero value, so "analytics": null
// would be stored as a refusal nobody made). Syntax errors are left to
// the decoder, which reports them with their place.
// It returns the names present.
func checkFields(body []byte) (map[string]bool, *FieldError) {
	seen := map[string]bool{}
	return seen, checkObject(body, "", func(key string, val json.RawMessage) *FieldError {
		seen[key] = true
		switch {
		case !slices.Contains(eventFields[:], key):
			return fieldErr(key, "unknown field %q (field names are case-sensitive)", key)
		case key == "choices":
			return checkObject(val, "choices.", nil)
		}
		return nil
	})
}

// checkObject walks a JSON object's members: a member given twice or
// null is an error named prefix+key, and fn, if not nil, checks each
// member further. What is not a well-formed object is left to the
// decoder, which reports it with its place.
func checkObject(raw []byte, prefix string, fn func(key string, val json.RawMessage) *FieldError) *FieldError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := t.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil
		}
		switch {
		case seen[key]:
			return fieldErr(prefix+key, "%q given twice", key)
		case string(val) == "null":
			return fieldErr(prefix+key, "null: want a value")
		}
		seen[key] = true
		if fn != nil {
			if ferr := fn(key, val); ferr != nil {
				return ferr
			}
		}
	}
	return nil
}

// decodePlain parses, without reflection, the bodies banners actually send:
// each field once and by its exact name, strings of printable ASCII
// without escapes, v as 1, true and false as themselves. It gives up (false)
// on anything else, valid or not, and decodeStrict decides; so it accepts
// nothing decodeStrict would refuse, and decodes to the same Event (FuzzDecode
// checks both). It costs a fifth of encoding/json, which was the largest
// share of a request's CPU besides the network and the store.
func decodePlain(body []byte) (*Event, bool) {
	// One copy of the body; every string field is a slice of it.
	p := plainScanner{s: string(body)}
	var ev Event
	strs := [len(eventFields)]*string{1: &ev.Event, 2: &ev.ID, 3: &ev.Site, 4: &ev.Version, 5: &ev.Lang, 7: &ev.Method, 9: &ev.URL}
	var seen [len(eventFields)]bool
	if !p.skip('{') {
		return nil, false
	}
	for {
		key, ok := p.str()
		if !ok || !p.skip(':') {
			return nil, false
		}
		i := slices.Index(eventFields[:], key)
		if i < 0 || seen[i] {
			return nil, false
		}
		seen[i] = true
		switch key {
		case "v":
			ok = p.skip('1')
			ev.V = 1
		case "choices":
			ev.Choices, ok = p.choices()
		case "gpc":
			ev.GPC, ok = p.boolean()
		default:
			*strs[i], ok = p.str()
		}
		if !ok {
			return nil, false
		}
		if p.skip(',') {
			continue
		}
		if !p.skip('}') || !seen[8] { // 8: gpc, which decodeStrict requires
			return nil, false
		}
		p.space()
		return &ev, p.i == len(p.s)
	}
}

// eventFields are Event's JSON names.
var eventFields = [10]string{"v", "event", "id", "site", "version", "lang", "choices", "method", "gpc", "url"}

type plainScanner struct {
	s string
	i int
}

func (p *plainScanner) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// skip consumes c after optional white space.
func (p *plainScanner) skip(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str consumes a string of printable ASCII without escapes.
func (p *plainScanner) str() (string, bool) {
	if !p.skip('"') {
		return "", false
	}
	for j := p.i; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			s := p.s[p.i:j]
			p.i = j + 1
			return s, true
		case c < 0x20 || c == '\\' || c >= 0x80:
			return "", false
		}
	}
	return "", false
}

func (p *plainScanner) boolean() (value, ok bool) {
	p.space()
	switch {
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return true, true
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return false, true
	}
	return false, false
}

// choices consumes an object of booleans; a repeated key keeps its last
// value, as in encoding/json.
func (p *plainScanner) choices() (map[string]bool, bool) {
	if !p.skip('{') {
		return nil, false
	}
	m := make(map[string]bool, 4)
	if p.skip('}') {
		return m, true
	}
	for {
		k, ok := p.str()
		if _, dup := m[k]; !ok || dup || !p.skip(':') {
			return nil, false // a repeated choice is decodeStrict's to refuse
		}
		if m[k], ok = p.boolean(); !ok {
			return nil, false
		}
		if p.skip(',') {
			continue
		}
		return m, p.skip('}')
	}
}

// jsonError turns encoding/json's errors into a field and a message a
// banner developer can act on.
func jsonError(err error) *FieldError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fieldErr("", "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return fieldErr("", "want a JSON object, got %s", typ.Value)
		}
		return fieldErr(field, "want %s, got %s", jsonTypeName(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fieldErr("", "truncated JSON")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return fieldErr(name, "unknown field (accepted: v, event, id, site, version, lang, choices, method, gpc, url)")
	}
	return fieldErr("", "invalid JSON: %s", err.Error())
}

func jsonTypeName(kind string) string {
	switch kind {
	case "bool":
		return "a boolean"
	case "string":
		return "a string"
	case "int":
		return "an integer"
	case "map":
		return "an object"
	}
	return kind
}

// check validates what can be validated without the site's configuration.
func (ev *Event) check() *FieldError {
	if ev.V != 1 {
		return fieldErr("v", "want 1, the only wire version this server speaks")
	}
	var err *FieldError
	if ev.Event, err = canonicalUUID("event", ev.Event); err != nil {
		return err
	}
	if ev.ID, err = canonicalUUID("id", ev.ID); err != nil {
		return err
	}
	if !siteIDPattern.MatchString(ev.Site) {
		return fieldErr("site", "want a site id like \"careers\" (lower-case letters, digits, dashes)")
	}
	if !versionPattern.MatchString(ev.Version) {
		return fieldErr("version", "want a consent version like \"3f2a9c1b7d4e\"")
	}
	if !consentwire.LangPattern.MatchString(ev.Lang) {
		return fieldErr("lang", "want a language code like \"en\" or \"sv\"")
	}
	if ev.Choices == nil {
		return fieldErr("choices", "missing: want an object of category id (or \"category:vendor\") → true/false")
	}
	if !isMethod(ev.Method) {
		return fieldErr("method", "want one of %s", strings.Join(Methods, ", "))
	}
	if ev.URL == "" {
		return fieldErr("url", "missing: want the page's URL")
	}
	if len(ev.URL) > maxURL {
		return fieldErr("url", "longer than %d bytes", maxURL)
	}
	return nil
}

func isMethod(m string) bool {
	for _, x := range Methods {
		if m == x {
			return true
		}
	}
	return false
}

// canonicalUUID accepts only the 36-character hyphenated form, so one id
// has one spelling in the store, and returns it in lower case.
func canonicalUUID(field, s string) (string, *FieldError) {
	if s == "" {
		return "", fieldErr(field, "missing: want a UUID")
	}
	if len(s) != 36 {
		return "", fieldErr(field, "want a UUID like \"7c9e6679-7425-40de-944b-e07fc1f90ae7\"")
	}
	if isLowerUUID(s) && s != nilUUID {
		return s, nil // already canonical: spare uuid.Parse's copy
	}
	u, err := uuid.Parse(s)
	if err != nil || u == uuid.Nil {
		return "", fieldErr(field, "want a UUID like \"7c9e6679-7425-40de-944b-e07fc1f90ae7\"")
	}
	return u.String(), nil
}

var nilUUID = uuid.Nil.String()

// isLowerUUID says whether s is a UUID in canonical form:
// 8-4-4-4-12 lower-case hex digits.
func isLowerUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// PageOf reduces a page URL to what the record keeps: scheme, host and
// path. The query string and fragment can carry personal data (search
// terms, tokens, e-mail addresses) and are dropped, as are user and
// password and each path segment's ";" parameters (";jsessionid=…").
func PageOf(raw string) (string, *FieldError) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fieldErr("url", "want an absolute http(s) URL of the page")
	}
	path := u.EscapedPath()
	if strings.IndexByte(path, ';') >= 0 {
		segs := strings.Split(path, "/")
		for i, s := range segs {
			segs[i], _, _ = strings.Cut(s, ";")
		}
		path = strings.Join(segs, "/")
	}
	if path == "" {
		path = "/"
	}
	page := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + path
	if len(page) > maxURL {
		return "", fieldErr("url", "longer than %d bytes once escaped", maxURL)
	}
	return page, nil
}

package site

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/notis-dev/notis/internal/diag"
)

// A shape says what one notis.toml key holds, in the words of the file
// rather than of Go: go-toml's own message for a value of the wrong type
// names the Go types it decodes into ("cannot decode TOML array into
// struct field site.Config.Languages of type map[string]site.Language"),
// which tells a privacy team nothing about what to write.
type shape struct {
	key     string // dotted; "*" stands for a key the writer chooses (a language code, a folder)
	want    string // what the value is
	example string // a line (or table header and line) that is right
}

// shapes lists every key notis.toml accepts, in the order the docs give
// them. TestEveryConfigKeyHasAShape keeps it equal to Config's fields.
var shapes = []shape{
	{"site", "a quoted site id", `site = "careers"`},
	{"baseURL", "a quoted URL", `baseURL = "https://privacy.example.org/"`},
	{"defaultLanguage", "a quoted language code", `defaultLanguage = "en"`},
	{"languages", "a table for each language", `[languages.en] with title = "English" and weight = 1`},
	{"languages.*", "a table with title and weight", `[languages.en] with title = "English" and weight = 1`},
	{"languages.*.title", "a quoted name", `title = "English"`},
	{"languages.*.weight", "a whole number", `weight = 1`},
	{"consent", "a table", `[consent] with endpoint = "https://consent.example.org"`},
	{"consent.endpoint", "a quoted URL", `endpoint = "https://consent.example.org"`},
	{"consent.origins", "a list of quoted origins", `origins = ["https://careers.example.org"]`},
	{"consent.notice", "a quoted notice id", `notice = "cookies"`},
	{"consent.notices", "a table of content folders and notice ids", `[consent.notices] with essex = "essex-cookies"`},
	{"consent.notices.*", `a quoted notice id (or "" for no banner)`, `essex = "essex-cookies"`},
	{"consent.vendors", "a table of vendors and the categories each may be granted in", `[consent.vendors] with youtube = ["marketing"]`},
	{"consent.vendors.*", "a list of quoted categories", `youtube = ["marketing"]`},
	{"consent.validity", "a quoted ISO 8601 duration", `validity = "P6M"`},
	{"consent.retention", "a quoted ISO 8601 duration", `retention = "P13M"`},
	{"consent.google_consent_mode", "a table of categories and the Consent Mode signals each grants", `[consent.google_consent_mode] with analytics = ["analytics_storage"]`},
	{"consent.google_consent_mode.*", "a list of quoted Consent Mode signals", `analytics = ["analytics_storage"]`},
	{"history", "a table", `[history] with enabled = false`},
	{"history.enabled", "true or false", `enabled = false`},
	{"history.withdrawn", "a list of quoted notice ids", `withdrawn = ["summer-campaign"]`},
}

// shapeOf is the shape of a key path, "*" matching any one part.
func shapeOf(key []string) (shape, bool) {
	for _, s := range shapes {
		if matches(strings.Split(s.key, "."), key) {
			return s, true
		}
	}
	return shape{}, false
}

// matches reports whether a key path fits a shape's, part by part.
func matches(pattern, key []string) bool {
	if len(pattern) != len(key) {
		return false
	}
	for i, p := range pattern {
		if p != "*" && p != key[i] {
			return false
		}
	}
	return true
}

// nearKey suggests the accepted key nearest an unknown one beside it
// ("baseUrl" → baseURL, [consent] endpoit → endpoint); "" when none is
// close.
func nearKey(key []string) string {
	var here []string
	for _, s := range shapes {
		parts := strings.Split(s.key, ".")
		last := parts[len(parts)-1]
		if last != "*" && matches(parts[:len(parts)-1], key[:len(key)-1]) {
			here = append(here, last)
		}
	}
	return diag.Suggest(key[len(key)-1], here)
}

// tomlKind finds the TOML type go-toml says it found.
var tomlKind = regexp.MustCompile(`cannot decode TOML ([a-z]+(?: table)?) into`)

// typeMistake words a go-toml decode error for key: what the key holds,
// what was found, and a line that is right. ok is false for a message it
// does not know, which is then given as go-toml wrote it.
func typeMistake(key []string, msg string) (text, fix string, ok bool) {
	s, known := shapeOf(key)
	m := tomlKind.FindStringSubmatch(msg)
	if !known || m == nil {
		return "", "", false
	}
	return fmt.Sprintf("expected %s, found %s", s.want, withArticle(m[1])), "write it like " + s.example, true
}

// withArticle puts "a" or "an" before a TOML type's name.
func withArticle(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// acceptedKeys lists the keys notis.toml accepts, for a message about
// one it does not: "site, baseURL, …, [languages.CODE] title/weight,
// [consent] endpoint/…, [consent.notices], …".
func acceptedKeys() string {
	var top []string
	var headers []string
	names := map[string][]string{}
	for _, s := range shapes {
		parts := strings.Split(s.key, ".")
		last := parts[len(parts)-1]
		switch {
		case last == "*" && !strings.HasPrefix(s.want, "a table"):
			// A key the writer names, like a folder in [consent.notices]:
			// its table's header says it.
		case strings.HasPrefix(s.want, "a table"):
			h := strings.ReplaceAll(s.key, "*", "CODE")
			headers = append(headers, h)
		case len(parts) == 1:
			top = append(top, s.key)
		default:
			h := strings.ReplaceAll(strings.Join(parts[:len(parts)-1], "."), "*", "CODE")
			names[h] = append(names[h], last)
		}
	}
	list := top
	for i, h := range headers {
		if len(names[h]) == 0 && i+1 < len(headers) && strings.HasPrefix(headers[i+1], h+".") {
			continue // [languages] goes without saying beside [languages.CODE]
		}
		item := "[" + h + "]"
		if len(names[h]) > 0 {
			item += " " + strings.Join(names[h], "/")
		}
		list = append(list, item)
	}
	return strings.Join(list, ", ")
}

package notice

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/notis-dev/notis/internal/diag"
	"github.com/notis-dev/notis/internal/period"
)

// Decode turns a notice's front matter into a Notice, reporting every
// mistake at once (as a diag.List, in file order) rather than stopping at
// the first. The returned notice is usable for further checks even when
// there are errors: a field whose value was refused is left as if absent.
// origin, which may be nil, places the mistakes and becomes the notice's
// Origin.
func Decode(raw map[string]any, file string, origin Origin) (*Notice, error) {
	n := &Notice{File: file, Origin: origin}
	d := &decoder{n: n}
	d.decode(nil, raw, reflect.ValueOf(n).Elem())
	d.checkReferences(n)
	if len(d.errs) > 0 {
		slices.SortStableFunc(d.errs, func(a, b *diag.Diagnostic) int {
			if a.Pos.Line != b.Pos.Line {
				return a.Pos.Line - b.Pos.Line
			}
			return a.Pos.Col - b.Pos.Col
		})
		return n, d.errs
	}
	return n, nil
}

type decoder struct {
	n    *Notice // what is decoded, which places the mistakes
	errs diag.List
}

// fail records a mistake at path under one of the decode rules; hint is
// the fix, when one is known.
func (d *decoder) fail(rule string, path Path, hint, format string, args ...any) {
	pos := d.n.Pos(path...)
	d.errs = append(d.errs, &diag.Diagnostic{Rule: rule, Severity: diag.Error, Pos: pos, Field: path.String(), Message: fmt.Sprintf(format, args...), Fix: hint})
}

var (
	periodType       = reflect.TypeFor[period.Period]()
	authorityRefType = reflect.TypeFor[AuthorityRef]()
	enumType         = reflect.TypeFor[enum]()
	scalarType       = reflect.TypeFor[scalarDecoder]()
)

func (d *decoder) decode(path Path, v any, rv reflect.Value) {
	v = normalize(v)
	t := rv.Type()
	switch {
	case reflect.PointerTo(t).Implements(scalarType):
		if err := rv.Addr().Interface().(scalarDecoder).DecodeFM(v); err != nil {
			fix := ""
			if ve, ok := err.(*valueError); ok {
				fix = ve.fix
			}
			d.fail(diag.RuleField, path, fix, "%s", err)
		}
		return
	case t == periodType:
		s, ok := v.(string)
		if !ok {
			d.fail(diag.RuleField, path, "", "found %s, want an ISO 8601 duration like P6Y6M", describe(v))
			return
		}
		p, err := period.Parse(s)
		if err != nil {
			d.fail(diag.RuleField, path, SuggestPeriod(s), "found %q, want an ISO 8601 duration like P6Y (6 years), P6M (6 months), P30D (30 days)", s)
			return
		}
		rv.Set(reflect.ValueOf(p))
		return
	case t == authorityRefType:
		d.decodeAuthority(path, v, rv.Addr().Interface().(*AuthorityRef))
		return
	case t.Implements(enumType) && t.Kind() == reflect.String:
		accepted := reflect.Zero(t).Interface().(enum).Values()
		s, ok := v.(string)
		if !ok {
			d.fail(diag.RuleField, path, "", "found %s, want one of %s", describe(v), strings.Join(accepted, ", "))
			return
		}
		if !slices.Contains(accepted, s) {
			d.fail(diag.RuleField, path, diag.Suggest(s, accepted), "found %q, want one of %s", s, strings.Join(accepted, ", "))
			return
		}
		rv.SetString(s)
		return
	}
	switch t.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			d.fail(diag.RuleField, path, quoteHint(v), "found %s, want text", describe(v))
			return
		}
		rv.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			d.fail(diag.RuleField, path, "", "found %s, want true or false", describe(v))
			return
		}
		rv.SetBool(b)
	case reflect.Pointer:
		if v == nil {
			return // null: the same as absent
		}
		p := reflect.New(t.Elem())
		d.decode(path, v, p.Elem())
		rv.Set(p)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			d.fail(diag.RuleField, path, listFix(v, t.Elem()), "found %s, want a list", describe(v))
			return
		}
		s := reflect.MakeSlice(t, len(list), len(list))
		for i, item := range list {
			d.decode(path.Child(i), item, s.Index(i))
		}
		rv.Set(s)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			d.fail(diag.RuleField, path, "", "found %s, want a table of fields (%s)", describe(v), strings.Join(fieldNames(t), ", "))
			return
		}
		d.decodeStruct(path, m, rv)
	default:
		panic(fmt.Sprintf("notice: no decoding for %s", t)) // a model bug, caught by tests
	}
}

func (d *decoder) decodeStruct(path Path, m map[string]any, rv reflect.Value) {
	fields := fieldsOf(rv.Type())
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f, ok := fields.byName[k]
		if !ok {
			d.fail(diag.RuleUnknownKey, path.Child(k), suggestKey(k, fields.names), "unknown field %q (accepted: %s)", k, strings.Join(fields.names, ", "))
			continue
		}
		d.decode(path.Child(k), m[k], rv.Field(f.index))
	}
	for _, f := range fields.list {
		if f.required {
			if v, ok := m[f.name]; !ok || v == nil || v == "" {
				where := "in " + path.String()
				if len(path) == 0 {
					where = "in the front matter"
				}
				d.fail(diag.RuleRequired, path.Child(f.name), "", "required field %q is missing %s: %s", f.name, where, f.doc)
			}
		}
	}
	if r, ok := rv.Addr().Interface().(statedRecorder); ok {
		r.recordStated(m)
	}
}

func (d *decoder) decodeAuthority(path Path, v any, a *AuthorityRef) {
	keys := make([]string, 0, len(Authorities))
	for k := range Authorities {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	switch x := v.(type) {
	case string:
		if _, ok := Authorities[x]; !ok {
			d.fail(diag.RuleField, path, diag.Suggest(x, keys), "found %q, want a built-in authority (%s) or a table {name, address, phone, url}", x, strings.Join(keys, ", "))
			return
		}
		a.Key = x
	case map[string]any:
		var c struct {
			Name    string `fm:"name,required" doc:"The authority's name."`
			Address string `fm:"address" doc:"Postal address."`
			Phone   string `fm:"phone" doc:"Telephone."`
			URL     URL    `fm:"url" doc:"Where to complain online."`
		}
		d.decodeStruct(path, x, reflect.ValueOf(&c).Elem())
		a.Custom = &Authority{Name: map[string]string{"*": c.Name}, Address: map[string]string{"*": c.Address}, Phone: c.Phone, URL: string(c.URL)}
	default:
		d.fail(diag.RuleField, path, "", "found %s, want a built-in authority (%s) or a table {name, address, phone, url}", describe(v), strings.Join(keys, ", "))
	}
}

// checkReferences makes sure every data-category id that a field names is
// declared under data, so a typo cannot silently drop a category.
func (d *decoder) checkReferences(n *Notice) {
	ids := make([]string, 0, len(n.Data))
	for i, c := range n.Data {
		if c.ID == "" {
			continue
		}
		if slices.Contains(ids, c.ID) {
			d.fail(diag.RuleReference, Path{"data", i, "id"}, "", "data category id %q is declared twice", c.ID)
		}
		ids = append(ids, c.ID)
	}
	check := func(field string, i int, refs []string) {
		for j, r := range refs {
			if slices.Contains(ids, r) {
				continue
			}
			declared := "none is declared yet"
			if len(ids) > 0 {
				declared = "declared: " + strings.Join(ids, ", ")
			}
			d.fail(diag.RuleReference, Path{field, i, "data", j}, diag.Suggest(r, ids), "%q is not a data category id declared under data (%s)", r, declared)
		}
	}
	for i, p := range n.Purposes {
		check("purposes", i, p.Data)
		if len(p.Bases) > 0 && (p.Basis != "" || p.Interest != "" || p.Law != "") {
			d.fail(diag.RuleField, Path{"purposes", i, "bases"}, "move basis, interest and law into one entry of bases",
				"purpose %q gives both basis and bases: say its bases in one place", p.Name)
		}
	}
	for i, r := range n.Recipients {
		check("recipients", i, r.Data)
	}
	for i, s := range n.Sources {
		check("sources", i, s.Data)
	}
	for i, r := range n.Retention {
		check("retention", i, r.Data)
	}
	for i, r := range n.Requirements {
		check("requirements", i, r.Data)
	}
}

// normalize turns the generic values YAML decoders produce into the two
// shapes the decoder handles: map[string]any and []any, and numbers into
// int64 or float64.
func normalize(v any) any {
	switch x := v.(type) {
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[fmt.Sprint(k)] = val
		}
		return m
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[k] = val
		}
		return m
	case []string:
		l := make([]any, len(x))
		for i, s := range x {
			l[i] = s
		}
		return l
	case []map[string]any:
		l := make([]any, len(x))
		for i, s := range x {
			l[i] = s
		}
		return l
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	}
	return v
}

func quoteHint(v any) string {
	switch v.(type) {
	case int64, float64, bool:
		return "put the value in quotes to make it text"
	}
	return ""
}

type fieldInfo struct {
	name     string
	index    int
	required bool
	doc      string
}

type structFields struct {
	list   []fieldInfo
	byName map[string]fieldInfo
	names  []string
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	sf := &structFields{byName: map[string]fieldInfo{}}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("fm")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fi := fieldInfo{name: name, index: i, required: opts == "required", doc: f.Tag.Get("doc")}
		sf.list = append(sf.list, fi)
		sf.byName[name] = fi
		sf.names = append(sf.names, name)
	}
	fieldCache.Store(t, sf)
	return sf
}

func fieldNames(t reflect.Type) []string { return fieldsOf(t).names }

// noneWords are what writers put where a list says there is nothing
// ("transfers: no"), in the languages notices are written in.
var noneWords = []string{"no", "none", "n/a", "na", "-", "nothing", "false", "nej", "ingen", "inga", "inget"}

// listFix advises on a single value where a list belongs: [] for a word
// that means none, a one-item list for text when the items are text.
func listFix(v any, elem reflect.Type) string {
	switch x := v.(type) {
	case bool:
		if !x {
			return "write [] to say there are none"
		}
	case string:
		if slices.Contains(noneWords, strings.ToLower(strings.TrimSpace(x))) {
			return "write [] to say there are none"
		}
		if elem.Kind() == reflect.String {
			return fmt.Sprintf("write a list, even of one: [%q]", x)
		}
	}
	return ""
}

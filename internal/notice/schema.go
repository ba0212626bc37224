package notice

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Schema returns a JSON Schema (draft 2020-12) of the front matter,
// generated from the model's tags so editors can complete and check
// notices with exactly the rules the decoder applies.
func Schema() ([]byte, error) {
	root := schemaFor(reflect.TypeFor[Notice]())
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = "https://notis.dev/schema/notice.schema.json"
	root["title"] = "notis notice front matter"
	root["description"] = "A privacy notice as the data GDPR Articles 13 and 14 require."
	return json.MarshalIndent(root, "", "  ")
}

func schemaFor(t reflect.Type) map[string]any {
	switch {
	case t == periodType:
		return map[string]any{"type": "string", "pattern": `^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$`, "description": "ISO 8601 duration, e.g. P6Y6M"}
	case t == reflect.TypeFor[Date]():
		return map[string]any{"type": "string", "format": "date"}
	case t == reflect.TypeFor[Email]():
		return map[string]any{"type": "string", "format": "email"}
	case t == reflect.TypeFor[URL]():
		return map[string]any{"type": "string", "format": "uri", "pattern": "^https?://"}
	case t == reflect.TypeFor[CookieDuration]():
		return map[string]any{"type": "string", "pattern": `^(session|P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$`, "description": "ISO 8601 duration, or session"}
	case t == authorityRefType:
		keys := make([]string, 0, len(Authorities))
		for k := range Authorities {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return map[string]any{"oneOf": []any{
			map[string]any{"type": "string", "enum": keys},
			map[string]any{"type": "object", "additionalProperties": false, "required": []string{"name"}, "properties": map[string]any{
				"name": map[string]any{"type": "string"}, "address": map[string]any{"type": "string"},
				"phone": map[string]any{"type": "string"}, "url": map[string]any{"type": "string", "format": "uri"},
			}},
		}}
	case t.Implements(enumType) && t.Kind() == reflect.String:
		return map[string]any{"type": "string", "enum": reflect.Zero(t).Interface().(enum).Values()}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Pointer:
		return schemaFor(t.Elem())
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaFor(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for _, f := range fieldsOf(t).list {
			s := schemaFor(t.Field(f.index).Type)
			if f.doc != "" {
				s["description"] = f.doc
			}
			props[f.name] = s
			if f.required {
				required = append(required, f.name)
			}
		}
		s := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	panic(fmt.Sprintf("notice: no schema for %s", t))
}

// Reference returns the front matter reference in Markdown, generated from
// the model so it cannot fall out of date.
func Reference() string {
	var b strings.Builder
	b.WriteString("# Front matter reference\n\n")
	b.WriteString("Generated from `internal/notice` by `go test ./internal/notice -update`; do not edit by hand.\n")
	b.WriteString("Every notice is one file per language, `content/ID.LANG.md`, with this front matter (YAML, TOML or JSON) and a Markdown body.\n")
	b.WriteString("Folders whose names start with `.` or `_` (drafts) and files whose names start with `.` or `#` (editor files) are left out; a Markdown file with another ending (`cookies.MD`, `cookies.markdown`) is an error (`content.file-name`), never skipped in silence.\n")
	b.WriteString("Unknown fields, wrong types and unknown values are errors that name the file, line and field.\n\n")
	b.WriteString(`## What the notice does not say

Write a notice down as it states itself. There is one way to say that it
does not state something: **leave the key out**. notis never fills the gap:

- the page leaves the fact out (no complaint route, no "not publicly
  available", no date, no basis it did not give), and a right that
  depends on a basis it does not state is listed as one that may apply,
  never promised in a paragraph or the first layer of its own;
- ` + "`notis lint`" + ` judges the gap under the rule and article that ask for it
  (` + "`meta.date-missing`, `sa.missing`, `basis.missing`, `controller.missing`, `transfer.safeguard-missing`" + ` …);
- ` + "`notices.json`" + ` lists it under ` + "`unstated`" + ` for each notice.

There is no ` + "`unstated`" + ` value: ` + "`public: false`" + ` says the source is not public, and
leaving ` + "`public`" + ` out says the notice does not tell. Two keys take an empty list
as a statement: ` + "`transfers: []`" + ` (nothing leaves the UK/EEA) and
` + "`automated_decisions: []`" + ` (no automated decisions). Only the title, and the few
keys without which an entry cannot be read (a purpose's name, a data
category's id), are required.

Forms for what real notices say:

` + "```yaml" + `
updated: 2026-04                      # a month, when that is all the notice gives
purposes:
  - name: Employment
    bases:                            # several bases, each with its law or interest
      - {basis: contract}
      - {basis: legal_obligation, law: "Income Tax (PAYE) Regulations 2003"}
    art9: ["9(2)(b)"]                 # the purpose's own Art 9 condition
    art10: "DPA 2018 Sch 1 Pt 1 para 1"
  - {name: Talent pool}               # basis not stated: lint basis.missing
transfers:
  - {details: "In some cases outside the EEA."}   # no country, no safeguard stated
cookies:
  - {category: analytics}             # known only by its category
` + "```" + `

A layered notice (a job advert's notice that defers to the organisation's
main notice) names its parent with ` + "`extends: main`" + ` (the parent's id, in the
same language). Every key it leaves out is the parent's; a key it gives,
even ` + "`[]`" + `, replaces the parent's. Its page says which parts come from the
parent and links to it; ` + "`notices.json`" + ` lists them under ` + "`inherited`" + `.

`)
	writeRef(&b, "Notice", reflect.TypeFor[Notice](), map[reflect.Type]bool{})
	return b.String()
}

func writeRef(b *strings.Builder, title string, t reflect.Type, done map[reflect.Type]bool) {
	done[t] = true
	fmt.Fprintf(b, "## %s\n\n| field | type | required | meaning |\n|---|---|---|---|\n", title)
	var nested []reflect.StructField
	for _, f := range fieldsOf(t).list {
		ft := t.Field(f.index).Type
		req := ""
		if f.required {
			req = "yes"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", f.name, typeName(ft), req, strings.ReplaceAll(f.doc, "|", "\\|"))
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && !done[ft] && ft.PkgPath() == t.PkgPath() && len(fieldsOf(ft).list) > 0 && ft != authorityRefType {
			done[ft] = true
			nested = append(nested, reflect.StructField{Name: f.name, Type: ft})
		}
	}
	b.WriteString("\n")
	for _, n := range nested {
		delete(done, n.Type)
		writeRef(b, fmt.Sprintf("`%s` (%s)", n.Name, n.Type.Name()), n.Type, done)
	}
}

func typeName(t reflect.Type) string {
	switch {
	case t == periodType:
		return "ISO 8601 duration"
	case t == reflect.TypeFor[Date]():
		return "date (YYYY-MM-DD)"
	case t == reflect.TypeFor[Email]():
		return "email"
	case t == reflect.TypeFor[URL]():
		return "URL"
	case t == reflect.TypeFor[CookieDuration]():
		return "ISO 8601 duration or `session`"
	case t == authorityRefType:
		return "`ico`, `imy`, `datainspektionen`, or {name, address, phone, url}"
	case t.Implements(enumType) && t.Kind() == reflect.String:
		vals := reflect.Zero(t).Interface().(enum).Values()
		return "one of `" + strings.Join(vals, "`, `") + "`"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true/false"
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Slice {
			return typeName(t.Elem()) + " (`[]` means none)"
		}
		return typeName(t.Elem())
	case reflect.Slice:
		return "list of " + typeName(t.Elem())
	case reflect.Struct:
		return "table"
	}
	return t.String()
}

package notice

import (
	"encoding"
	"reflect"
	"strings"
)

// Plain returns the notice as plain data keyed by front matter names: the
// inverse of Decode, for notices.json and for comparing translations.
// Absent optional fields are left out; an explicit empty list stays.
func (n *Notice) Plain() map[string]any {
	return encodeStruct(reflect.ValueOf(n).Elem())
}

func encodeStruct(rv reflect.Value) map[string]any {
	m := map[string]any{}
	for _, f := range fieldsOf(rv.Type()).list {
		if v, ok := encodeValue(rv.Field(f.index)); ok {
			m[f.name] = v
		}
	}
	if sf, ok := rv.Interface().(statedFalse); ok {
		for _, k := range sf.statedFalse() {
			m[k] = false
		}
	}
	return m
}

var textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()

func encodeValue(rv reflect.Value) (any, bool) {
	t := rv.Type()
	if t == authorityRefType {
		a := rv.Interface().(AuthorityRef)
		if a.Custom != nil {
			return map[string]any{"name": a.Custom.Name["*"], "address": a.Custom.Address["*"], "phone": a.Custom.Phone, "url": a.Custom.URL}, true
		}
		return a.Key, a.Key != ""
	}
	if t.Implements(textMarshalerType) && t.Kind() != reflect.Pointer {
		b, _ := rv.Interface().(encoding.TextMarshaler).MarshalText()
		s := string(b)
		return s, s != ""
	}
	switch t.Kind() {
	case reflect.String:
		s := rv.String()
		return s, strings.TrimSpace(s) != ""
	case reflect.Bool:
		return rv.Bool(), rv.Bool()
	case reflect.Pointer:
		if rv.IsNil() {
			return nil, false
		}
		if rv.Elem().Kind() == reflect.Slice {
			v, _ := encodeValue(rv.Elem())
			if v == nil {
				v = []any{}
			}
			return v, true
		}
		return encodeValue(rv.Elem())
	case reflect.Slice:
		if rv.Len() == 0 {
			return nil, false
		}
		out := make([]any, rv.Len())
		for i := range rv.Len() {
			out[i], _ = encodeValue(rv.Index(i))
		}
		return out, true
	case reflect.Struct:
		m := encodeStruct(rv)
		return m, len(m) > 0
	}
	return nil, false
}

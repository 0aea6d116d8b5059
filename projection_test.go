package iorules_test

import (
	"bytes"
	"encoding/json"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The guards of the root package's two projections of the shipment model:
// DecodeShipment and Validate. Both walk Shipment by reflection, so a field
// added to Shipment or to a type inside it (Item, Party, ...) is tried
// without editing this file, and the test fails until the decoder decodes
// it and validation checks it (or says why it need not).

// TestDecodeCoversEveryField fills every field of a Shipment, at every
// depth, with a valid non-zero value, writes it with encoding/json and
// reads it back with DecodeShipment: the two must be equal. A field the
// decoder does not know is an unknown-field error, and one it skips comes
// back zero.
func TestDecodeCoversEveryField(t *testing.T) {
	s := filledShipment(t)
	require.NoError(t, s.Validate(), "the filled shipment must be valid; give the new field's type a valid value in validValue")
	b, err := json.Marshal(s)
	require.NoError(t, err)
	got, err := iorules.DecodeShipment(bytes.NewReader(b))
	require.NoError(t, err, "DecodeShipment of %s", b)
	require.Empty(t, cmp.Diff(s, got, shipmentCmp...), "DecodeShipment(json.Marshal(s)) differs from s (-want +got)")
}

// shipmentCmp compares shipments by value.
var shipmentCmp = []cmp.Option{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b iorules.Date) bool { return a.Equal(b) }),
}

// freeForm lists the fields, by JSON path, that validation leaves free
// because every value of their type is valid, with the reason. A field
// listed here must accept every value TestValidateCoversEveryField tries.
var freeForm = map[string]string{
	"related_party":                                   "a yes or no answer; both are valid",
	"exporter.registrations[0].valid_until":           "a registration may have expired long ago or run for decades; the capabilities judge the date",
	"importer_of_record.registrations[0].valid_until": "as for the exporter",
	"end_user.registrations[0].valid_until":           "as for the exporter",
	"items[0].encryption.present":                     "a yes or no answer; mass_market is checked against it",
	"items[0].approvals_held[0].valid_until":          "an approval may have expired; approvals reports it as not held",
}

// invalidWith lists fields whose invalid values depend on another field:
// the change that makes the field's value (the valid one of the filled
// shipment) invalid.
var invalidWith = map[string]func(*iorules.Shipment){
	// mass_market true is valid only when present is true.
	"items[0].encryption.mass_market": func(s *iorules.Shipment) { s.Items[0].Encryption.Present = false },
}

// TestValidateCoversEveryField sets every field of a valid, filled
// Shipment in turn to values that are invalid for most fields (empty, too
// long, control characters, negative, huge, out-of-range dates, unknown
// codes) and requires a FieldError whose path is the field's (or inside
// it), unless the field is listed in freeForm with a reason.
func TestValidateCoversEveryField(t *testing.T) {
	base := filledShipment(t)
	require.NoError(t, base.Validate())
	for _, leaf := range leaves(reflect.TypeFor[iorules.Shipment](), "") {
		t.Run(leaf.path, func(t *testing.T) {
			var caught []string // the invalid values that were reported at the field
			tries := 0
			try := func(desc string, change func(*iorules.Shipment)) {
				s := filledShipment(t)
				change(&s)
				tries++
				for _, fe := range iorules.FieldErrors(s.Validate()) {
					if fe.Path == leaf.path || strings.HasPrefix(fe.Path, leaf.path+".") || strings.HasPrefix(fe.Path, leaf.path+"[") {
						caught = append(caught, desc)
						return
					}
				}
			}
			for _, bad := range invalidValues(leaf.typ) {
				try(bad.desc, func(s *iorules.Shipment) { bad.set(fieldAt(reflect.ValueOf(s).Elem(), leaf.steps)) })
			}
			if change, ok := invalidWith[leaf.path]; ok {
				try("invalidWith", change)
			}
			require.NotZero(t, tries, "no invalid value of %s to try: add one to invalidValues", leaf.typ)
			if reason, ok := freeForm[leaf.path]; ok {
				require.Empty(t, caught, "%s is listed as free-form (%s) but validation rejects some values: remove it from freeForm", leaf.path, reason)
				return
			}
			require.NotEmpty(t, caught, "no invalid value of %s is reported at %s: validate the field, or list it in freeForm with the reason every value is valid",
				leaf.typ, leaf.path)
		})
	}
	for path := range freeForm {
		require.True(t, slices.ContainsFunc(leaves(reflect.TypeFor[iorules.Shipment](), ""), func(l leafField) bool { return l.path == path }),
			"freeForm lists %s, which is not a field", path)
	}
}

// A leafField is a field validation checks as a whole: a scalar, a
// pointer to one, a list of scalars or a map.
type leafField struct {
	path  string // JSON path, with index 0 for lists
	steps []int  // struct field indices from Shipment; -1 steps into element 0 or through a pointer
	typ   reflect.Type
}

// leaves returns the leaf fields inside the struct type t, whose JSON path
// is prefix.
func leaves(t reflect.Type, prefix string) []leafField {
	var out []leafField
	var walk func(t reflect.Type, path string, steps []int)
	walk = func(t reflect.Type, path string, steps []int) {
		switch {
		case isScalar(t):
			out = append(out, leafField{path: path, steps: steps, typ: t})
		case t.Kind() == reflect.Pointer && isScalar(t.Elem()):
			out = append(out, leafField{path: path, steps: steps, typ: t})
		case t.Kind() == reflect.Pointer:
			walk(t.Elem(), path, append(slices.Clip(steps), -1))
		case t.Kind() == reflect.Slice && isScalar(t.Elem()), t.Kind() == reflect.Map:
			out = append(out, leafField{path: path, steps: steps, typ: t})
		case t.Kind() == reflect.Slice:
			walk(t.Elem(), path+"[0]", append(slices.Clip(steps), -1))
		case t.Kind() == reflect.Struct:
			for i, p := range jsonFields(t, path) {
				walk(t.Field(i).Type, p, append(slices.Clip(steps), i))
			}
		default:
			panic("leaves: " + t.String())
		}
	}
	walk(t, prefix, nil)
	return out
}

// jsonFields yields the index and the JSON path of each field of the
// struct type t that JSON carries, t being at path.
func jsonFields(t reflect.Type, path string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if path != "" {
				name = path + "." + name
			}
			if !yield(i, name) {
				return
			}
		}
	}
}

var (
	dateType    = reflect.TypeFor[iorules.Date]()
	decimalType = reflect.TypeFor[decimal.Decimal]()
)

// isScalar reports whether t is a single value: a string, number or bool
// kind, a Date or a decimal.
func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Bool:
		return true
	}
	return t == dateType || t == decimalType
}

// fieldAt returns the field steps lead to from v.
func fieldAt(v reflect.Value, steps []int) reflect.Value {
	for _, i := range steps {
		switch {
		case i >= 0:
			v = v.Field(i)
		case v.Kind() == reflect.Pointer:
			v = v.Elem()
		default:
			v = v.Index(0)
		}
	}
	return v
}

// filledShipment returns a valid Shipment in which every field, at every
// depth, holds a non-zero value: lists have one element, maps one entry.
func filledShipment(t *testing.T) iorules.Shipment {
	t.Helper()
	var s iorules.Shipment
	fill(t, reflect.ValueOf(&s).Elem(), "")
	return s
}

// fill sets v, the field at path, and everything inside it to a valid
// non-zero value.
func fill(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if x, ok := validValue(path, v.Type()); ok {
		v.Set(reflect.ValueOf(x).Convert(v.Type()))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), path)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), path+"[0]")
	case reflect.Struct:
		for i, p := range jsonFields(v.Type(), path) {
			fill(t, v.Field(i), p)
		}
	default:
		t.Fatalf("fill: no valid value of %s for %s: add one to validValue", v.Type(), path)
	}
}

// validValue returns the valid non-zero value of the field at path, of
// type t, or false when fill should build one from the field's parts.
func validValue(path string, t reflect.Type) (any, bool) {
	switch path {
	case "origin":
		return iorules.Country("US"), true
	case "destination":
		return iorules.Country("BR"), true // needs destination_subdivision, so both are filled
	case "exchange_rates":
		return map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString("5.4321")}, true
	case "exporter.registrations[0].scheme", "importer_of_record.registrations[0].scheme",
		"end_user.registrations[0].scheme", "items[0].approvals_held[0].id":
		return "br.radar", true
	}
	switch t {
	case dateType:
		return iorules.MustParseDate("2026-11-20"), true
	case decimalType:
		return decimal.RequireFromString("50.5"), true
	case reflect.TypeFor[iorules.Country]():
		return iorules.Country("US"), true
	case reflect.TypeFor[iorules.Currency]():
		return iorules.Currency("USD"), true
	case reflect.TypeFor[iorules.Subdivision]():
		return iorules.Subdivision("BR-SP"), true
	case reflect.TypeFor[iorules.HSCode]():
		return iorules.HSCode("847150"), true
	case reflect.TypeFor[iorules.Incoterm]():
		return iorules.Incoterms()[0], true
	case reflect.TypeFor[iorules.TransportMode]():
		return iorules.TransportModes()[0], true
	case reflect.TypeFor[iorules.Category]():
		return iorules.Categories()[0], true
	case reflect.TypeFor[iorules.Condition]():
		return iorules.Conditions()[0], true
	case reflect.TypeFor[iorules.Radio]():
		return iorules.Radios()[0], true
	case reflect.TypeFor[iorules.DocumentType]():
		return iorules.DocumentTypes()[0], true
	}
	switch t.Kind() {
	case reflect.String:
		return "x", true
	case reflect.Int:
		return 1, true // a line number, a quantity, a document's line
	case reflect.Bool:
		return true, true
	}
	return nil, false
}

// An invalidValue is a value that most fields of a type reject.
type invalidValue struct {
	desc string
	set  func(reflect.Value)
}

// invalidValues returns the values TestValidateCoversEveryField tries on
// a field of type t: for a pointer those of what it points to, for a list
// those of its element (as the list's only element), for a map of rates
// an unknown currency and a negative rate.
func invalidValues(t reflect.Type) []invalidValue {
	to := func(desc string, x any) invalidValue {
		return invalidValue{desc, func(v reflect.Value) { v.Set(reflect.ValueOf(x).Convert(v.Type())) }}
	}
	switch {
	case t == dateType:
		return []invalidValue{to("no date", iorules.Date{}), to("1900", iorules.MustParseDate("1900-01-01")),
			to("2200", iorules.MustParseDate("2200-01-01"))}
	case t == decimalType:
		return []invalidValue{to("zero", decimal.Zero), to("negative", decimal.NewFromInt(-1)), to("huge", decimal.New(1, 30))}
	case t.Kind() == reflect.Pointer:
		var out []invalidValue
		for _, bad := range invalidValues(t.Elem()) {
			out = append(out, invalidValue{bad.desc, func(v reflect.Value) {
				v.Set(reflect.New(t.Elem()))
				bad.set(v.Elem())
			}})
		}
		return out
	case t.Kind() == reflect.Slice:
		var out []invalidValue
		for _, bad := range invalidValues(t.Elem()) {
			out = append(out, invalidValue{"element " + bad.desc, func(v reflect.Value) {
				v.Set(reflect.MakeSlice(t, 1, 1))
				bad.set(v.Index(0))
			}})
		}
		return out
	case t.Kind() == reflect.Map:
		entry := func(desc string, k string, x decimal.Decimal) invalidValue {
			return invalidValue{desc, func(v reflect.Value) {
				v.Set(reflect.MakeMap(t))
				v.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), reflect.ValueOf(x))
			}}
		}
		return []invalidValue{entry("unknown currency", "usd", decimal.NewFromInt(1)), entry("negative rate", "USD", decimal.NewFromInt(-1))}
	case t.Kind() == reflect.String:
		return []invalidValue{to("empty", ""), to("escape", "\x1b[2J"), to("invalid UTF-8", "\xff"),
			to("too long", strings.Repeat("x", 1001)), to("unknown", "not-a-code")}
	case t.Kind() == reflect.Int:
		return []invalidValue{to("zero", 0), to("negative", -1), to("huge", 1<<40)}
	case t.Kind() == reflect.Bool:
		return []invalidValue{to("false", false), to("true", true)}
	}
	return nil
}

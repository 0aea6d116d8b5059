package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/cel-go/common/types"
	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The tests in this file walk the Go types of the shipment model and fail
// when a field is added that one of the package's projections of the model
// (the CEL model, the memo's class key, the group_by fields) neither
// handles nor lists as deliberately left out, with why.

// jsonKey is the JSON key of a struct field, "" for a field JSON skips.
func jsonKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// scalarTypes are the model's types that CEL sees as one value (a string,
// a decimal), not as a record.
var scalarTypes = []reflect.Type{reflect.TypeFor[iorules.Date](), reflect.TypeFor[decimal.Decimal]()}

// elem strips pointers, slices and maps down to the element type.
func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	return t
}

// TestCELModelCoversShipment checks that every field of iorules.Shipment,
// and of every record type reachable from it, is a field of its CEL record
// type (modelTypes), or is listed in modelExcluded with why.
func TestCELModelCoversShipment(t *testing.T) {
	provider, err := newModelProvider()
	require.NoError(t, err)
	provider.register(modelTypes(provider))
	used := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(goType reflect.Type)
	walk = func(goType reflect.Type) {
		if seen[goType] {
			return
		}
		seen[goType] = true
		celName, ok := modelTypeOf[goType]
		if !ok {
			t.Errorf("%s: no CEL record type (add it to modelTypes and modelTypeOf, or exclude the field that reaches it)", goType)
			return
		}
		names, ok := provider.FindStructFieldNames(celName)
		require.True(t, ok, celName)
		for i := range goType.NumField() {
			f := goType.Field(i)
			key := jsonKey(f)
			if key == "" {
				continue
			}
			path := goType.Name() + "." + key
			if why, excluded := modelExcluded[path]; excluded {
				used[path] = true
				require.NotEmpty(t, why)
				continue
			}
			name := key
			if renamed, ok := modelRenamed[path]; ok {
				used[path], name = true, renamed
			}
			if !slices.Contains(names, name) {
				t.Errorf("%s (%s.%s) is not in the CEL model: expose it in modelTypes or list it in modelExcluded with why", path, goType, f.Name)
				continue
			}
			if et := elem(f.Type); et.Kind() == reflect.Struct && !slices.Contains(scalarTypes, et) {
				walk(et)
			}
		}
	}
	walk(reflect.TypeFor[iorules.Shipment]())
	for path := range modelExcluded {
		require.True(t, used[path], "modelExcluded lists %s, which is not a field of the model", path)
	}
	for path := range modelRenamed {
		require.True(t, used[path], "modelRenamed lists %s, which is not a field of the model", path)
	}
}

// TestMemoKeyCoversItem checks that every field of iorules.Item that CEL
// exposes is a class-key field of the memo (keyFields, or derived from one),
// or is listed in notKeyed, and that reading a listed field indeed makes a
// condition be evaluated on every line.
func TestMemoKeyCoversItem(t *testing.T) {
	env, err := NewEnvironment(0)
	require.NoError(t, err)
	derived := map[string]string{"hs4": "hs_code", "hs6": "hs_code"}
	celFields, ok := env.provider.FindStructFieldNames("iorules.Item")
	require.True(t, ok)
	goType := reflect.TypeFor[iorules.Item]()
	for i := range goType.NumField() {
		key := jsonKey(goType.Field(i))
		if _, excluded := modelExcluded["Item."+key]; key == "" || excluded {
			continue
		}
		require.Contains(t, celFields, key, "TestCELModelCoversShipment covers this")
	}
	for _, f := range celFields {
		t.Run(f, func(t *testing.T) {
			expr := "item." + f + " == item." + f
			if ft := env.provider.byName["iorules.Item"].fields[f]; ft.Type.Kind() == types.StructKind {
				// A record compares by identity: read one of its fields.
				sub, ok := env.provider.FindStructFieldNames(ft.Type.TypeName())
				require.True(t, ok)
				expr = "item." + f + "." + sub[0] + " == item." + f + "." + sub[0]
			}
			an := analyse(t, env, expr)
			switch _, keyed := keyFields[f]; {
			case keyed:
				require.True(t, an.memoOK, "keyed field %s makes the condition unmemoizable", f)
				require.Equal(t, []string{f}, an.itemFields)
			case derived[f] != "":
				require.True(t, an.memoOK)
				require.Equal(t, []string{derived[f]}, an.itemFields)
			default:
				require.Contains(t, notKeyed, f, "item.%s is neither a class-key field (keyFields) nor listed in notKeyed with why", f)
				require.False(t, an.memoOK, "item.%s is listed in notKeyed but a condition reading it is memoized", f)
			}
		})
	}
	for f := range notKeyed {
		require.Contains(t, celFields, f, "notKeyed lists %s, which CEL does not expose", f)
	}
}

// TestGroupFieldsCoverItem checks that every field of iorules.Item is a
// group_by field (groupFields) or is listed in notGroupable with why, and
// that appendGroupKey tells apart two items that differ only in a group_by
// field.
func TestGroupFieldsCoverItem(t *testing.T) {
	goType := reflect.TypeFor[iorules.Item]()
	goField := map[string]string{}
	for i := range goType.NumField() {
		f := goType.Field(i)
		key := jsonKey(f)
		if key == "" {
			continue
		}
		goField[key] = f.Name
		if !slices.Contains(groupFields, key) {
			require.NotEmpty(t, notGroupable[key], "item field %s (%s) is neither a group_by field nor listed in notGroupable with why", key, f.Name)
		}
	}
	for key := range notGroupable {
		require.Contains(t, goField, key, "notGroupable lists %s, which is not an item field", key)
	}
	base := iorules.Item{Line: 1, HSCode: "847150", CountryOfOrigin: "US", TariffExemption: "", Category: "server", Condition: "new"}
	for _, g := range groupFields {
		t.Run(g, func(t *testing.T) {
			name := goField[g]
			if g == "hs6" {
				name = goField["hs_code"]
			}
			require.NotEmpty(t, name, "group_by field %s is not an item field", g)
			other := base
			v := reflect.ValueOf(&other).Elem().FieldByName(name)
			switch v.Kind() {
			case reflect.String:
				v.SetString("851762")
			case reflect.Int:
				v.SetInt(2)
			default:
				t.Fatalf("group_by field %s has kind %s: extend this test", g, v.Kind())
			}
			a := appendGroupKey(nil, &base, []string{g})
			b := appendGroupKey(nil, &other, []string{g})
			require.NotEqual(t, string(a), string(b), "appendGroupKey ignores %s", g)
		})
	}
}

package policy

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules/internal/exact"
)

// objectType describes one record type that policies see (iorules.Item,
// iorules.Party, ...): its CEL type and, per field, the field's CEL type and
// a getter that reads the field from the Go value without reflection.
type objectType struct {
	name   string
	goType reflect.Type // the pointer type that backs the record
	celTyp *types.Type
	fields map[string]*types.FieldType
	slots  map[string]int // field name to index in objectVal.vals
	get    []func(any) ref.Val
	// typed are, by slot, the getters of the field's Go value that
	// lowered expressions call (typedGetter); the zero value for a field
	// that is a record, list or map.
	typed []typedGetter
	names []string
}

// typedGetter reads one field of a record as a Go value: exactly one of
// the functions is set, by the field's type. dec gives the CEL error
// value of a missing fact instead of a value when the fact is missing.
type typedGetter struct {
	str     func(any) string
	integer func(any) int64
	boolean func(any) bool
	dec     func(any) (exact.Dec, ref.Val)
}

// objectField declares one field of an objectType: get reads it as a CEL
// value; the typed getters of strField, intField, boolField and decField
// read it as a Go value, and get is made from them.
type objectField[T any] struct {
	name string
	typ  *types.Type
	get  func(*T) ref.Val
	str  func(*T) string
	i64  func(*T) int64
	bl   func(*T) bool
	dec  func(*T) (exact.Dec, ref.Val)
}

// strField, intField, boolField and decField declare a field by its Go
// value; a getter of a missing decimal returns the missing fact's CEL
// error value (unknown) instead.
func strField[T any](name string, f func(*T) string) objectField[T] {
	return objectField[T]{name: name, typ: types.StringType, str: f}
}

func intField[T any](name string, f func(*T) int64) objectField[T] {
	return objectField[T]{name: name, typ: types.IntType, i64: f}
}

func boolField[T any](name string, f func(*T) bool) objectField[T] {
	return objectField[T]{name: name, typ: types.BoolType, bl: f}
}

func decField[T any](name string, f func(*T) (exact.Dec, ref.Val)) objectField[T] {
	return objectField[T]{name: name, typ: decimalType, dec: f}
}

// moneyField declares a money field of the record the policies call
// record: read when the shipment could not be valued, it is the missing
// fact record.name.
func moneyField[T any](record, name string, f func(*T) (*unvalued, exact.Dec)) objectField[T] {
	fact := record + "." + name
	return decField(name, func(p *T) (exact.Dec, ref.Val) {
		u, d := f(p)
		return money(u, fact, d)
	})
}

// valueGetter returns the field's getter of CEL values.
func (f objectField[T]) valueGetter() func(*T) ref.Val {
	switch {
	case f.get != nil:
		return f.get
	case f.str != nil:
		return func(p *T) ref.Val { return types.String(f.str(p)) }
	case f.i64 != nil:
		return func(p *T) ref.Val { return types.Int(f.i64(p)) }
	case f.bl != nil:
		return func(p *T) ref.Val { return types.Bool(f.bl(p)) }
	case f.dec != nil:
		return func(p *T) ref.Val {
			d, missing := f.dec(p)
			if missing != nil {
				return missing
			}
			return newDec(d)
		}
	}
	// A declaration without a getter: every read fails, and a rule that
	// reads it fails closed.
	return func(*T) ref.Val { return types.NewErr("field %s has no getter", f.name) }
}

// typedGetter returns the field's getter of Go values (zero for a
// record, list or map).
func (f objectField[T]) typedGetter() typedGetter {
	var g typedGetter
	switch {
	case f.str != nil:
		g.str = func(p any) string { return f.str(p.(*T)) }
	case f.i64 != nil:
		g.integer = func(p any) int64 { return f.i64(p.(*T)) }
	case f.bl != nil:
		g.boolean = func(p any) bool { return f.bl(p.(*T)) }
	case f.dec != nil:
		g.dec = func(p any) (exact.Dec, ref.Val) { return f.dec(p.(*T)) }
	}
	return g
}

// newObjectType builds an objectType over *T.
func newObjectType[T any](name string, fields ...objectField[T]) *objectType {
	ot := &objectType{name: name, goType: reflect.TypeFor[*T](), celTyp: types.NewObjectType(name),
		fields: map[string]*types.FieldType{}, slots: map[string]int{}}
	for slot, f := range fields {
		get := f.valueGetter()
		ot.get = append(ot.get, func(ptr any) ref.Val { return get(ptr.(*T)) })
		ot.typed = append(ot.typed, f.typedGetter())
		ot.slots[f.name] = slot
		ot.fields[f.name] = &types.FieldType{
			Type: f.typ,
			IsSet: func(target any) bool {
				o, ok := target.(*objectVal)
				return ok && o.typ == ot
			},
			GetFrom: func(target any) (any, error) {
				o, ok := target.(*objectVal)
				if !ok || o.typ != ot {
					return nil, fmt.Errorf("field %s: unexpected target %T", f.name, target)
				}
				return o.field(slot), nil
			},
		}
		ot.names = append(ot.names, f.name)
	}
	sort.Strings(ot.names)
	return ot
}

// objectVal is a CEL value wrapping a pointer to one of the model's
// records. It keeps the CEL values of the fields read so far: an
// evaluation reads the same fields of the same records many times (every
// rule on every line), and the records do not change while it runs. An
// objectVal belongs to one evaluation and is never shared between
// goroutines.
type objectVal struct {
	typ  *objectType
	ptr  any
	vals []ref.Val // by field slot, filled on first read
}

func (o *objectVal) field(slot int) ref.Val {
	if o.vals == nil {
		o.vals = make([]ref.Val, len(o.typ.get))
	}
	if v := o.vals[slot]; v != nil {
		return v
	}
	v := o.typ.get[slot](o.ptr)
	o.vals[slot] = v
	return v
}

func (o *objectVal) ConvertToNative(t reflect.Type) (any, error) {
	if reflect.TypeOf(o.ptr) == t {
		return o.ptr, nil
	}
	return nil, fmt.Errorf("%s cannot convert to %v", o.typ.name, t)
}

func (o *objectVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return o.typ.celTyp
	}
	if t.TypeName() == o.typ.name {
		return o
	}
	return types.NewErr("type conversion error from %s to %s", o.typ.name, t.TypeName())
}

func (o *objectVal) Equal(other ref.Val) ref.Val {
	p, ok := other.(*objectVal)
	return types.Bool(ok && p.ptr == o.ptr)
}

func (o *objectVal) Type() ref.Type { return o.typ.celTyp }

// Value returns the objectVal itself, which is what the field getters
// receive from the interpreter; ConvertToNative gives the Go record.
func (o *objectVal) Value() any { return o }

// Get lets dynamically typed expressions select fields too.
func (o *objectVal) Get(index ref.Val) ref.Val {
	name, ok := index.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(index)
	}
	slot, ok := o.typ.slots[string(name)]
	if !ok {
		return types.NewErr("no such field '%s' on %s", string(name), o.typ.name)
	}
	return o.field(slot)
}

// modelProvider extends the standard registry with the model's record types
// and adapts their Go pointers to CEL values.
type modelProvider struct {
	*types.Registry
	byName map[string]*objectType
	byType map[reflect.Type]*objectType
}

func newModelProvider() (*modelProvider, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	return &modelProvider{Registry: reg, byName: map[string]*objectType{}, byType: map[reflect.Type]*objectType{}}, nil
}

// register adds record types. It is called once, before the provider is
// shared.
func (p *modelProvider) register(objs []*objectType) {
	for _, ot := range objs {
		p.byType[ot.goType] = ot
		p.byName[ot.name] = ot
	}
}

func (p *modelProvider) FindStructType(name string) (*types.Type, bool) {
	if ot, ok := p.byName[name]; ok {
		return types.NewTypeTypeWithParam(ot.celTyp), true
	}
	return p.Registry.FindStructType(name)
}

func (p *modelProvider) FindStructFieldNames(name string) ([]string, bool) {
	if ot, ok := p.byName[name]; ok {
		return ot.names, true
	}
	return p.Registry.FindStructFieldNames(name)
}

func (p *modelProvider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if ot, ok := p.byName[name]; ok {
		ft, found := ot.fields[field]
		return ft, found
	}
	return p.Registry.FindStructFieldType(name, field)
}

func (p *modelProvider) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := p.byName[name]; ok {
		return types.NewErr("policies cannot construct %s values", name)
	}
	return p.Registry.NewValue(name, fields)
}

// records returns the CEL values of n records of the Go type goType
// (a pointer type the model declares), record i wrapping ptr(i), in one
// block.
func (p *modelProvider) records(goType reflect.Type, n int, ptr func(i int) any) []ref.Val {
	ot := p.byType[goType]
	objs := make([]objectVal, n)
	out := make([]ref.Val, n)
	for i := range objs {
		objs[i] = objectVal{typ: ot, ptr: ptr(i)}
		out[i] = &objs[i]
	}
	return out
}

func (p *modelProvider) NativeToValue(value any) ref.Val {
	if v, ok := value.(ref.Val); ok {
		// Already a CEL value: the interpreter passes maps and records
		// through here on every selection.
		return v
	}
	if ot, ok := p.byType[reflect.TypeOf(value)]; ok {
		return &objectVal{typ: ot, ptr: value}
	}
	return p.Registry.NativeToValue(value)
}

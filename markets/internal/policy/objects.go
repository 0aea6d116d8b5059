package policy

import (
	"fmt"
	"reflect"
	"sort"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
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
	names  []string
}

// objectField declares one field of an objectType.
type objectField[T any] struct {
	name string
	typ  *types.Type
	get  func(*T) ref.Val
}

// newObjectType builds an objectType over *T.
func newObjectType[T any](name string, fields ...objectField[T]) *objectType {
	ot := &objectType{name: name, goType: reflect.TypeFor[*T](), celTyp: types.NewObjectType(name),
		fields: map[string]*types.FieldType{}, slots: map[string]int{}}
	for slot, f := range fields {
		get := f.get
		ot.get = append(ot.get, func(ptr any) ref.Val { return get(ptr.(*T)) })
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
// (a pointer type the model declares), record i wrapping ptr(i): the
// records and their field caches take one block each.
func (p *modelProvider) records(goType reflect.Type, n int, ptr func(i int) any) []ref.Val {
	ot := p.byType[goType]
	objs, vals := make([]objectVal, n), make([]ref.Val, n*len(ot.get))
	out := make([]ref.Val, n)
	for i := range objs {
		from, to := i*len(ot.get), (i+1)*len(ot.get)
		objs[i] = objectVal{typ: ot, ptr: ptr(i), vals: vals[from:to:to]}
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

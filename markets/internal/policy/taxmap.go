package policy

import (
	"fmt"
	"reflect"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/iorules/iorules/internal/exact"
)

// taxMap is what `tax` refers to in a tax expression: the amounts of the
// taxes computed so far for the declaration group, by short name
// (tax.ii). It holds them by the tax's position in the policy, so reading
// one compares a few short names instead of hashing a key, and a group
// needs no map. Lowered expressions read the amounts as they are; the
// interpreter gets each as a CEL value, made on its first read.
type taxMap struct {
	names   []string    // the policy's tax short names, in chain order
	amounts []exact.Dec // by position
	has     []bool      // by position: false until the tax is computed
	vals    []ref.Val   // by position: amounts as CEL values, once read (made on the first)
}

func newTaxMap(names []string) *taxMap {
	n := len(names)
	return &taxMap{names: names, amounts: make([]exact.Dec, n), has: make([]bool, n)}
}

// set records the amount of the tax at position i.
func (m *taxMap) set(i int, d exact.Dec) {
	m.amounts[i], m.has[i] = d, true
	if m.vals != nil {
		m.vals[i] = nil
	}
}

// val returns the amount at position i as a CEL value; nil when the tax
// is not computed.
func (m *taxMap) val(i int) ref.Val {
	if !m.has[i] {
		return nil
	}
	if m.vals == nil {
		m.vals = make([]ref.Val, len(m.names))
	}
	if m.vals[i] == nil {
		m.vals[i] = newDec(m.amounts[i])
	}
	return m.vals[i]
}

// Find returns the amount of the tax named key, if computed.
func (m *taxMap) Find(key ref.Val) (ref.Val, bool) {
	name, ok := key.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(key), false
	}
	for i, n := range m.names {
		if n == string(name) {
			v := m.val(i)
			return v, v != nil
		}
	}
	return nil, false
}

func (m *taxMap) Get(key ref.Val) ref.Val {
	v, found := m.Find(key)
	switch {
	case found:
		return v
	case v != nil: // an error
		return v
	}
	return types.NewErr("no such key: %v", key)
}

func (m *taxMap) Contains(key ref.Val) ref.Val {
	v, found := m.Find(key)
	if !found && v != nil {
		return v
	}
	return types.Bool(found)
}

func (m *taxMap) Size() ref.Val {
	n := 0
	for _, has := range m.has {
		if has {
			n++
		}
	}
	return types.Int(n)
}

// Iterator yields the names of the computed taxes, in chain order.
func (m *taxMap) Iterator() traits.Iterator {
	var keys []string
	for i, has := range m.has {
		if has {
			keys = append(keys, m.names[i])
		}
	}
	return types.NewStringList(types.DefaultTypeAdapter, keys).Iterator()
}

func (m *taxMap) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("tax cannot convert to %v", t)
}

func (m *taxMap) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.MapType:
		return m
	case types.TypeType:
		return types.MapType
	}
	return types.NewErr("type conversion error from map to %s", t.TypeName())
}

// Equal compares by content, as CEL compares maps.
func (m *taxMap) Equal(other ref.Val) ref.Val {
	o, ok := other.(traits.Mapper)
	if !ok || m.Size() != o.Size() {
		return types.False
	}
	for i := range m.names {
		v := m.val(i)
		if v == nil {
			continue
		}
		ov, found := o.Find(types.String(m.names[i]))
		if !found || v.Equal(ov) != types.True {
			return types.False
		}
	}
	return types.True
}

func (m *taxMap) Type() ref.Type { return types.MapType }
func (m *taxMap) Value() any     { return m }

package policy

import (
	"testing"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/iorules/iorules/internal/exact"
	"github.com/stretchr/testify/require"
)

func TestTaxMap(t *testing.T) {
	m := newTaxMap([]string{"ii", "ipi", "afrmm"})
	m.set(0, exact.New(125, -2))
	m.set(1, exact.New(0, 0))

	v, found := m.Find(types.String("ii"))
	require.True(t, found)
	require.Equal(t, types.True, v.Equal(newDec(exact.New(1250, -3))))
	_, found = m.Find(types.String("afrmm"))
	require.False(t, found, "a tax not computed yet is absent")
	_, found = m.Find(types.String("icms"))
	require.False(t, found)
	v, found = m.Find(types.Int(1))
	require.False(t, found)
	require.True(t, types.IsError(v), "a key of the wrong type is an error")

	require.Equal(t, types.True, m.Contains(types.String("ipi")))
	require.Equal(t, types.False, m.Contains(types.String("afrmm")))
	require.True(t, types.IsError(m.Get(types.String("afrmm"))))
	require.Equal(t, types.Int(2), m.Size())

	var keys []ref.Val
	for it := m.Iterator(); it.HasNext() == types.True; {
		keys = append(keys, it.Next())
	}
	require.Equal(t, []ref.Val{types.String("ii"), types.String("ipi")}, keys)

	same := newTaxMap([]string{"ii", "ipi", "afrmm"})
	same.set(0, exact.New(1250, -3))
	same.set(1, exact.New(0, -2))
	require.Equal(t, types.True, m.Equal(same))
	same.set(2, exact.New(1, 0))
	require.Equal(t, types.False, m.Equal(same))
	require.Equal(t, types.False, m.Equal(types.String("ii")))
	_, isMapper := any(m).(traits.Mapper)
	require.True(t, isMapper)
}

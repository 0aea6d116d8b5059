package valuation

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestAllocateInt64MatchesBig checks the machine-integer path against the
// big-integer path on random inputs, and that the general path is taken
// when the figures do not fit.
func TestAllocateInt64MatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for n := range 2000 {
		places := int32(r.IntN(4))
		total := decimal.New(r.Int64N(1_000_000_000_000)-200_000_000_000, -places)
		weights := make([]decimal.Decimal, 1+r.IntN(12))
		for i := range weights {
			weights[i] = decimal.New(r.Int64N(10_000_000_000), -int32(r.IntN(5)))
			if r.IntN(10) == 0 {
				weights[i] = decimal.Zero
			}
		}
		fast, ok := allocateInt64(total, weights, places)
		require.True(t, ok, "case %d should fit in 63 bits", n)
		slow := allocateBig(total, weights, places)
		require.Len(t, fast, len(slow))
		for i := range fast {
			require.True(t, fast[i].Equal(slow[i]), "case %d share %d: %s vs %s", n, i, fast[i], slow[i])
		}
	}
	_, ok := allocateInt64(decimal.RequireFromString("1e30"), []decimal.Decimal{decimal.NewFromInt(1)}, 2)
	require.False(t, ok)
	_, ok = allocateInt64(decimal.NewFromInt(10), []decimal.Decimal{decimal.RequireFromString("1e19"), decimal.RequireFromString("1e19")}, 2)
	require.False(t, ok)
}

package valuation

import (
	"cmp"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestAllocateMatchesBigIntegers checks Allocate against the
// largest-remainder method written out in big integers, on random inputs
// that fit machine words and on inputs far beyond them (where exact falls
// back to shopspring/decimal operation by operation).
func TestAllocateMatchesBigIntegers(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for n := range 3000 {
		places := int32(r.IntN(4))
		total := decimal.New(r.Int64N(1_000_000_000_000)-200_000_000_000, -places)
		wide := n%3 == 0
		if wide {
			total = total.Mul(decimal.New(1, 0).Shift(int32(10 + r.IntN(20))))
		}
		weights := make([]decimal.Decimal, 1+r.IntN(12))
		for i := range weights {
			weights[i] = decimal.New(r.Int64N(10_000_000_000), -int32(r.IntN(5)))
			switch {
			case r.IntN(10) == 0:
				weights[i] = decimal.Zero
			case wide && r.IntN(2) == 0:
				weights[i] = weights[i].Shift(int32(10 + r.IntN(20)))
			}
		}
		got, err := Allocate(total, weights, places)
		require.NoError(t, err)
		want := allocateBig(total, weights, places)
		require.Len(t, got, len(want))
		for i := range got {
			require.True(t, got[i].Equal(want[i]), "case %d share %d: %s, want %s", n, i, got[i], want[i])
		}
	}
}

// allocateBig is the largest-remainder method of Allocate in big integers,
// the reference the test holds Allocate to.
func allocateBig(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	units := total.Shift(places).BigInt()
	negative := units.Sign() < 0
	units.Abs(units)
	scale := int32(0)
	for _, w := range weights {
		scale = max(scale, -w.Exponent())
	}
	w := make([]*big.Int, len(weights))
	sum := new(big.Int)
	for i, x := range weights {
		w[i] = x.Shift(scale).BigInt()
		sum.Add(sum, w[i])
	}
	if sum.Sign() == 0 {
		for i := range w {
			w[i] = big.NewInt(1)
		}
		sum.SetInt64(int64(len(w)))
	}
	shares := make([]*big.Int, len(w))
	rems := make([]*big.Int, len(w))
	left := new(big.Int).Set(units)
	for i := range w {
		shares[i], rems[i] = new(big.Int).QuoRem(new(big.Int).Mul(units, w[i]), sum, new(big.Int))
		left.Sub(left, shares[i])
	}
	order := make([]int, len(w))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(0, rems[a].Cmp(rems[b])) })
	for k := 0; left.Sign() > 0; k++ {
		shares[order[k]].Add(shares[order[k]], big.NewInt(1))
		left.Sub(left, big.NewInt(1))
	}
	out := make([]decimal.Decimal, len(shares))
	for i, s := range shares {
		if negative {
			s.Neg(s)
		}
		out[i] = decimal.NewFromBigInt(s, -places)
	}
	return out
}

package valuation

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"
)

// Allocate splits total into shares proportional to weights, each with at
// most places decimal places, so that the shares sum exactly to total.
//
// It is the largest-remainder method: every share is first the exact pro
// rata amount rounded toward zero to places decimals; the units of 10^-places
// left over then go, one each, to the shares with the largest remainders,
// the lower index first on a tie. When every weight is zero the total is
// split equally the same way (three zero weights sharing 100.00 get 33.34,
// 33.33 and 33.33). A negative total is split like its absolute value and
// the shares negated.
//
// It returns an error when weights is empty, a weight is negative, places is
// negative, or total has more than places decimal places (it could not be
// split exactly).
func Allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) ([]decimal.Decimal, error) {
	switch {
	case len(weights) == 0:
		return nil, errors.New("valuation: allocate: no weights")
	case places < 0:
		return nil, fmt.Errorf("valuation: allocate: negative places %d", places)
	case !total.Equal(total.Truncate(places)):
		return nil, fmt.Errorf("valuation: allocate: total %s has more than %d decimal places", total, places)
	}
	for i, w := range weights {
		if w.Sign() < 0 {
			return nil, fmt.Errorf("valuation: allocate: weight %d is negative (%s)", i, w)
		}
	}

	// Work in integers: units of 10^-places for the total, and weights
	// scaled by a common power of ten.
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
		product := new(big.Int).Mul(units, w[i])
		shares[i], rems[i] = new(big.Int).QuoRem(product, sum, new(big.Int))
		left.Sub(left, shares[i])
	}
	// left < len(w): each share lost less than one unit.
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
	return out, nil
}

package valuation

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
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

	if len(weights) == 1 {
		return []decimal.Decimal{total}, nil
	}
	if shares, ok := allocateInt64(total, weights, places); ok {
		return shares, nil
	}
	return allocateBig(total, weights, places), nil
}

// allocateBig is the general path of Allocate, in big integers.
func allocateBig(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
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
	return out
}

// pow10 holds 10^0 .. 10^18.
var pow10 = func() [19]uint64 {
	var p [19]uint64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// scaledUint64 returns |d| × 10^scale as a uint64 when that is a whole
// number below 2^63.
func scaledUint64(d decimal.Decimal, scale int32) (uint64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	c := d.CoefficientInt64()
	if c < 0 {
		c = -c
	}
	e := d.Exponent() + scale
	if e < 0 || e > 18 {
		return 0, e < 0 && c == 0
	}
	hi, lo := bits.Mul64(uint64(c), pow10[e])
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return lo, true
}

// allocateInt64 is Allocate for the common case where the total in minor
// units and the weights fit in 63 bits: the same largest-remainder method
// in machine integers, with a 128-bit product, and no big.Int allocations.
// It reports false when the figures do not fit; Allocate then takes the
// general path.
func allocateInt64(total decimal.Decimal, weights []decimal.Decimal, places int32) ([]decimal.Decimal, bool) {
	negative := total.Sign() < 0
	units, ok := scaledUint64(total, places)
	if !ok {
		return nil, false
	}
	scale := int32(0)
	for _, w := range weights {
		scale = max(scale, -w.Exponent())
	}
	// One block of scratch space for the weights, shares and remainders.
	n := len(weights)
	scratch := make([]uint64, 3*n)
	w, shares, rems := scratch[:n], scratch[n:2*n], scratch[2*n:]
	var sum uint64
	for i, x := range weights {
		v, ok := scaledUint64(x, scale)
		if !ok || sum+v < sum || sum+v > math.MaxInt64 {
			return nil, false
		}
		w[i] = v
		sum += v
	}
	largestRemainder(units, w, shares, rems, nil)
	out := make([]decimal.Decimal, n)
	for i, v := range shares {
		x := int64(v) // v <= units <= MaxInt64
		if negative {
			x = -x
		}
		out[i] = decimal.New(x, -places)
	}
	return out, true
}

// largestRemainder splits units pro rata to w into shares: each share is
// first units × w[i] / Σw rounded down; the units left over then go, one
// each, to the shares with the largest remainders, the lower index first on
// a tie. All weights zero count as all equal. Σw must be below 2^64. rems
// is scratch space of the length of w, as is order unless nil: it is only
// needed when units are left over, and then made.
func largestRemainder(units uint64, w, shares, rems []uint64, order []int) {
	var sum uint64
	for _, x := range w {
		sum += x
	}
	equal := sum == 0
	if equal {
		sum = uint64(len(w))
	}
	left := units
	for i, wi := range w {
		if equal {
			wi = 1
		}
		// units × wi / sum <= units, so the quotient fits in 64 bits,
		// which is what Div64 needs (hi < sum).
		hi, lo := bits.Mul64(units, wi)
		shares[i], rems[i] = bits.Div64(hi, lo, sum)
		left -= shares[i]
	}
	if left == 0 {
		return
	}
	// left < len(w): each share lost less than one unit.
	if order == nil {
		order = make([]int, len(w))
	}
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Or(cmp.Compare(rems[b], rems[a]), cmp.Compare(a, b)) })
	for k := 0; left > 0; k++ {
		shares[order[k]]++
		left--
	}
}

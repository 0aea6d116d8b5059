package exact

import (
	"cmp"
	"slices"
)

// Allocate splits total into shares proportional to weights, each with at
// most places decimal places, so that the shares sum exactly to total: the
// largest-remainder method of valuation.Allocate, for inputs it has
// checked (weights not empty, none negative, places not negative, total
// with at most places decimal places). It writes the shares to shares, of
// the length of weights, and returns it; shares may be weights itself,
// whose weight i is read only before share i is written.
func Allocate(total Dec, weights []Dec, places int32, shares []Dec) []Dec {
	if len(weights) == 1 {
		shares[0] = total
		return shares
	}
	negative := total.Sign() < 0
	if negative {
		total = total.Neg()
	}
	var sum Dec
	for _, w := range weights {
		sum = sum.Add(w)
	}
	equal := sum.IsZero()
	if equal {
		sum = New(int64(len(weights)), 0)
	}
	// The remainders with their indexes, sorted without a closure over
	// them: on the stack for a few weights, one allocation for more.
	var small [16]remainder
	rems := small[:0]
	if len(weights) > len(small) {
		rems = make([]remainder, 0, len(weights))
	}
	rems = rems[:len(weights)]
	left := total
	for i, w := range weights {
		if equal {
			w = New(1, 0)
		}
		shares[i], rems[i].rem = total.Mul(w).QuoRem(sum, places)
		rems[i].i = i
		left = left.Sub(shares[i])
	}
	if left.Sign() > 0 {
		// left < len(weights) units: each share lost less than one.
		slices.SortFunc(rems, func(a, b remainder) int { return cmp.Or(b.rem.Cmp(a.rem), cmp.Compare(a.i, b.i)) })
		unit := New(1, -places)
		for k := 0; left.Sign() > 0; k++ {
			shares[rems[k].i] = shares[rems[k].i].Add(unit)
			left = left.Sub(unit)
		}
	}
	if negative {
		for i := range shares {
			shares[i] = shares[i].Neg()
		}
	}
	return shares
}

// remainder is what the pro rata share of weight i lost to truncation.
type remainder struct {
	rem Dec
	i   int
}

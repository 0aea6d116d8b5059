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
	rems := make([]Dec, len(weights))
	left := total
	for i, w := range weights {
		if equal {
			w = New(1, 0)
		}
		shares[i], rems[i] = total.Mul(w).QuoRem(sum, places)
		left = left.Sub(shares[i])
	}
	if left.Sign() > 0 {
		// left < len(weights) units: each share lost less than one.
		order := make([]int, len(weights))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Or(rems[b].Cmp(rems[a]), cmp.Compare(a, b)) })
		unit := New(1, -places)
		for k := 0; left.Sign() > 0; k++ {
			shares[order[k]] = shares[order[k]].Add(unit)
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

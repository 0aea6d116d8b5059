package valuation

import (
	"errors"
	"fmt"

	"github.com/iorules/iorules/internal/exact"
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
	w := make([]exact.Dec, len(weights))
	for i, x := range weights {
		w[i] = exact.FromDecimal(x)
	}
	shares := allocate(exact.FromDecimal(total), w, places, w)
	out := make([]decimal.Decimal, len(shares))
	for i, x := range shares {
		out[i] = x.Decimal()
	}
	return out, nil
}

// allocate is Allocate for the checked inputs of Allocate (exact.Allocate,
// which markets also splits its taxes over lines with).
func allocate(total exact.Dec, weights []exact.Dec, places int32, shares []exact.Dec) []exact.Dec {
	return exact.Allocate(total, weights, places, shares)
}

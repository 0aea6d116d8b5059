package valuation

import (
	"math"
	"math/bits"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// This file is the fast path of Value: the same arithmetic as valueDecimal,
// in machine integers. Every decimal operation allocates a big.Int, and a
// valuation makes a few dozen per line, which made Value the heaviest
// allocator of a prequalification. Amounts in the shipment currency are
// held as int64 counts of 10^-scale, where scale is the most decimal places
// any input amount or allocation has, so every sum is exact; conversion to
// the destination currency multiplies by the rate's coefficient in 128 bits
// and rounds once, half away from zero, as decimal.Round does. Whenever a
// figure does not fit (scale above 18 places, or a product or sum beyond 63
// bits), or the input is one Value rejects, valueFixed gives up and Value
// takes the decimal path, which also reports the errors. The results are
// identical, exponents included (TestValueFixedMatchesDecimal).

// maxFixedPlaces is the most decimal places valueFixed works in: 10^18 is
// the largest power of ten below 2^63.
const maxFixedPlaces = 18

// valueFixed computes Value in machine integers. It reports false when the
// amounts do not fit in 63 bits, or Value must return an error; the caller
// then uses valueDecimal.
func valueFixed(s iorules.Shipment, basis Basis, dest iorules.Currency, rate decimal.Decimal, included []charge) (Valuation, bool) {
	amounts := chargeAmounts(s.Charges)
	sign := adjustmentSigns(included)

	// The places each allocation is made to, as valueDecimal makes it (the
	// sum of decimals has the most places of its terms), and a scale that
	// holds every amount exactly.
	sourcePlaces := s.Currency.MinorUnits()
	adjustPlaces := sourcePlaces
	for c, sg := range sign {
		if sg != 0 {
			adjustPlaces = max(adjustPlaces, decimalPlaces(amounts[c]))
		}
	}
	freightPlaces := max(sourcePlaces, decimalPlaces(amounts[freight]))
	insurancePlaces := max(sourcePlaces, decimalPlaces(amounts[insurance]))
	scale := max(adjustPlaces, freightPlaces, insurancePlaces)
	for _, a := range amounts {
		scale = max(scale, decimalPlaces(a))
	}
	for i := range s.Items {
		scale = max(scale, decimalPlaces(s.Items[i].UnitValue))
	}
	if scale > maxFixedPlaces {
		return Valuation{}, false
	}

	var fixedAmounts [len(amounts)]int64
	var adjust int64
	for c, a := range amounts {
		x, ok := toFixed(a, scale)
		if !ok {
			return Valuation{}, false
		}
		fixedAmounts[c] = x
		if adjust, ok = addInt64(adjust, int64(sign[c])*x); !ok {
			return Valuation{}, false
		}
	}

	n := len(s.Items)
	weights := make([]uint64, n)
	var invoice int64
	for i := range s.Items {
		it := &s.Items[i]
		unit, ok := toFixed(it.UnitValue, scale)
		if !ok {
			return Valuation{}, false
		}
		w, ok := mulInt64(unit, int64(it.Quantity))
		if !ok || w < 0 {
			return Valuation{}, false // a negative weight is Allocate's error
		}
		if invoice, ok = addInt64(invoice, w); !ok {
			return Valuation{}, false
		}
		weights[i] = uint64(w)
	}
	if fob, ok := addInt64(invoice, adjust); !ok || fob <= 0 {
		return Valuation{}, false // the decimal path reports the error
	}

	// The three allocations, pro rata to the weights, at the common scale.
	shares := make([]int64, 3*n)
	adjustShares, freightShares, insuranceShares := shares[:n], shares[n:2*n], shares[2*n:]
	var sp splitter
	if !sp.split(adjust, adjustPlaces, scale, weights, adjustShares) ||
		!sp.split(fixedAmounts[freight], freightPlaces, scale, weights, freightShares) ||
		!sp.split(fixedAmounts[insurance], insurancePlaces, scale, weights, insuranceShares) {
		return Valuation{}, false
	}

	conv, ok := newConverter(rate, scale, dest.MinorUnits())
	if !ok {
		return Valuation{}, false
	}
	handling, ok1 := conv.convert(fixedAmounts[destinationHandling])
	inland, ok2 := conv.convert(fixedAmounts[destinationInland])
	if !ok1 || !ok2 {
		return Valuation{}, false
	}

	// Each line's figures in the destination currency, in its minor unit,
	// and their totals.
	const (
		invoiceValue = iota
		fobValue
		freightValue
		insuranceValue
		customsValue
		figures
	)
	converted := make([][figures]int64, n)
	var totals [figures]int64
	for i := range s.Items {
		w := int64(weights[i])
		fob, ok := addInt64(w, adjustShares[i])
		if !ok {
			return Valuation{}, false
		}
		dutiable := fob
		if basis == CIF {
			d1, ok1 := addInt64(fob, freightShares[i])
			d2, ok2 := addInt64(d1, insuranceShares[i])
			if !ok1 || !ok2 {
				return Valuation{}, false
			}
			dutiable = d2
		}
		for f, x := range [figures]int64{w, fob, freightShares[i], insuranceShares[i], dutiable} {
			y, ok1 := conv.convert(x)
			t, ok2 := addInt64(totals[f], y)
			if !ok1 || !ok2 {
				return Valuation{}, false
			}
			converted[i][f], totals[f] = y, t
		}
	}

	// Everything fits: build the decimals, rounded to the destination's
	// minor unit, so with the exponent Round gives them.
	exp := -dest.MinorUnits()
	v := Valuation{
		Basis:               basis,
		Currency:            dest,
		SourceCurrency:      s.Currency,
		ExchangeRate:        rate,
		InvoiceValue:        decimal.New(totals[invoiceValue], exp),
		FOBValue:            decimal.New(totals[fobValue], exp),
		Freight:             decimal.New(totals[freightValue], exp),
		Insurance:           decimal.New(totals[insuranceValue], exp),
		CustomsValue:        decimal.New(totals[customsValue], exp),
		DestinationHandling: decimal.New(handling, exp),
		DestinationInland:   decimal.New(inland, exp),
		Lines:               make([]Line, n),
	}
	for i, c := range converted {
		v.Lines[i] = Line{
			Line:         s.Items[i].Line,
			InvoiceValue: decimal.New(c[invoiceValue], exp),
			FOBValue:     decimal.New(c[fobValue], exp),
			Freight:      decimal.New(c[freightValue], exp),
			Insurance:    decimal.New(c[insuranceValue], exp),
			CustomsValue: decimal.New(c[customsValue], exp),
		}
	}
	return v, true
}

// splitter allocates amounts at a common scale as Allocate does, keeping its
// scratch space between calls.
type splitter struct {
	units, rems []uint64
	order       []int
}

// split sets shares to total (a count of 10^-scale) split pro rata to
// weights as Allocate splits it to places decimal places (places <= scale),
// each share again a count of 10^-scale. It reports false when total has
// more than places decimal places.
func (sp *splitter) split(total int64, places, scale int32, weights []uint64, shares []int64) bool {
	unit := int64(pow10[scale-places])
	if total%unit != 0 || total == math.MinInt64 {
		return false
	}
	units := total / unit
	negative := units < 0
	if negative {
		units = -units
	}
	if len(sp.units) != len(weights) {
		n := len(weights)
		scratch := make([]uint64, 2*n)
		sp.units, sp.rems, sp.order = scratch[:n], scratch[n:], make([]int, n)
	}
	largestRemainder(uint64(units), weights, sp.units, sp.rems, sp.order)
	for i, u := range sp.units {
		// u <= units, so u × unit <= |total| fits.
		x := int64(u) * unit
		if negative {
			x = -x
		}
		shares[i] = x
	}
	return true
}

// A converter turns amounts in the shipment currency, as counts of
// 10^-scale, into the destination currency at a rate, rounded to the
// destination's minor unit half away from zero: round(x × rate, places) as
// counts of 10^-places.
type converter struct {
	rate uint64 // the rate's coefficient, > 0
	// shift is scale - places - the rate's exponent: the product of the
	// amount and the rate coefficient is divided by 10^shift when it is
	// positive, else multiplied by 10^-shift.
	shift int64
}

func newConverter(rate decimal.Decimal, scale, places int32) (converter, bool) {
	if rate.Sign() <= 0 || rate.NumDigits() > 18 {
		return converter{}, false
	}
	shift := int64(scale) - int64(places) - int64(rate.Exponent())
	if shift < -maxFixedPlaces || shift > maxFixedPlaces {
		return converter{}, false
	}
	return converter{rate: uint64(rate.CoefficientInt64()), shift: shift}, true
}

// convert returns x converted, or false when it does not fit in an int64.
func (c converter) convert(x int64) (int64, bool) {
	if x == math.MinInt64 {
		return 0, false
	}
	negative := x < 0
	if negative {
		x = -x
	}
	hi, lo := bits.Mul64(uint64(x), c.rate)
	var q uint64
	if c.shift <= 0 {
		hi2, lo2 := bits.Mul64(lo, pow10[-c.shift])
		if hi != 0 || hi2 != 0 {
			return 0, false
		}
		q = lo2
	} else {
		d := pow10[c.shift]
		if hi >= d {
			return 0, false // the quotient would not fit in 64 bits
		}
		var r uint64
		q, r = bits.Div64(hi, lo, d)
		if r >= d-r { // the remainder is at least half of d: round away from zero
			if q == math.MaxUint64 {
				return 0, false // rounding up would wrap around
			}
			q++
		}
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if negative {
		return -int64(q), true
	}
	return int64(q), true
}

// toFixed returns d as a count of 10^-scale, or false when d is written
// with more decimal places than scale (trailing zeros count) or the count
// does not fit in an int64. The result is never MinInt64, so it can be
// negated.
func toFixed(d decimal.Decimal, scale int32) (int64, bool) {
	if d.Sign() == 0 {
		return 0, true
	}
	if d.NumDigits() > 18 {
		return 0, false
	}
	e := int64(d.Exponent()) + int64(scale)
	if e < 0 || e > maxFixedPlaces {
		return 0, false
	}
	return mulInt64(d.CoefficientInt64(), int64(pow10[e]))
}

// addInt64 returns a + b, or false on overflow.
func addInt64(a, b int64) (int64, bool) {
	c := a + b
	// Overflow wraps around: the sum moved against the sign of b.
	return c, (c > a) == (b > 0)
}

// mulInt64 returns a × b, or false when the product does not fit in an
// int64 or is MinInt64.
func mulInt64(a, b int64) (int64, bool) {
	negative := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(absInt64(a), absInt64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if negative {
		return -int64(lo), true
	}
	return int64(lo), true
}

// absInt64 returns |x| as a uint64, which holds |MinInt64| too.
func absInt64(x int64) uint64 {
	if x < 0 {
		return uint64(-x) // for MinInt64, -x wraps to MinInt64, whose bits are 2^63
	}
	return uint64(x)
}

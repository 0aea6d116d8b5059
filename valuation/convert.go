package valuation

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// A fraction is what Value multiplies an amount by to get a figure in the
// destination currency: the rate (over 1) for a plain conversion, or
// (invoice value + charges) × rate over the invoice value for a line's
// value with its pro rata share of the charges. It is num × 10^exp / den,
// with den > 0.
type fraction struct {
	num, den big.Int
	exp      int64
}

// newFraction returns num / den; den must not be zero.
func newFraction(num, den decimal.Decimal) *fraction {
	f := &fraction{exp: int64(num.Exponent()) - int64(den.Exponent())}
	coefficient(&f.num, num)
	coefficient(&f.den, den)
	if f.den.Sign() < 0 {
		f.num.Neg(&f.num)
		f.den.Neg(&f.den)
	}
	return f
}

// A converter rounds amounts times fractions to places decimal places,
// half away from zero, with one rounding however many digits the exact
// product has. It keeps its scratch space between calls, so converting
// every line of a shipment allocates little more than the results.
type converter struct {
	places int32
	// Scratch space, and the powers of ten used so far: pows[e] is 10^e
	// when set (not zero).
	a, b, q, r big.Int
	pows       []big.Int
}

func newConverter(places int32) *converter { return &converter{places: places} }

// convert returns x × f rounded to places, with exponent -places, and adds
// it to total (a count of 10^-places) unless total is nil.
func (c *converter) convert(x decimal.Decimal, f *fraction, total *big.Int) decimal.Decimal {
	// x × f × 10^places = a / b, both integers.
	coefficient(&c.a, x)
	c.a.Mul(&c.a, &f.num)
	b := &f.den
	switch e := int64(x.Exponent()) + f.exp + int64(c.places); {
	case e > 0:
		c.a.Mul(&c.a, c.pow10(e))
	case e < 0:
		b = c.b.Mul(&f.den, c.pow10(-e))
	}
	negative := c.a.Sign() < 0
	c.a.Abs(&c.a)
	c.q.QuoRem(&c.a, b, &c.r)
	if c.r.Lsh(&c.r, 1).Cmp(b) >= 0 { // the remainder is at least half of b
		c.q.Add(&c.q, bigOne)
	}
	if negative {
		c.q.Neg(&c.q)
	}
	if total != nil {
		total.Add(total, &c.q)
	}
	return decimal.NewFromBigInt(&c.q, -c.places)
}

// pow10 returns 10^e, e > 0, computing each power once: a shipment's
// amounts have few different exponents.
func (c *converter) pow10(e int64) *big.Int {
	if e >= int64(len(c.pows)) {
		c.pows = append(c.pows, make([]big.Int, e+1-int64(len(c.pows)))...)
	}
	p := &c.pows[e]
	if p.Sign() == 0 {
		p.Exp(bigTen, big.NewInt(e), nil)
	}
	return p
}

var bigOne, bigTen = big.NewInt(1), big.NewInt(10)

// sum returns the sum of xs, exactly, with the smallest exponent of its
// terms, without a decimal per term as repeated Add would make.
func (c *converter) sum(xs []decimal.Decimal) decimal.Decimal {
	if len(xs) == 0 {
		return decimal.Zero
	}
	exp := xs[0].Exponent()
	for _, x := range xs[1:] {
		exp = min(exp, x.Exponent())
	}
	var total big.Int
	for _, x := range xs {
		coefficient(&c.a, x)
		if e := int64(x.Exponent()) - int64(exp); e > 0 {
			c.a.Mul(&c.a, c.pow10(e))
		}
		total.Add(&total, &c.a)
	}
	return decimal.NewFromBigInt(&total, exp)
}

// coefficient sets z to the coefficient of d, without the copy that
// d.Coefficient makes when it fits in an int64.
func coefficient(z *big.Int, d decimal.Decimal) {
	if d.NumDigits() <= 18 {
		z.SetInt64(d.CoefficientInt64())
		return
	}
	z.Set(d.Coefficient())
}

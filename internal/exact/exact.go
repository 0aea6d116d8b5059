// Package exact is the decimal arithmetic of the hot paths: the policy
// evaluation of markets and the customs valuation of valuation.
//
// A Dec is coefficient × 10^exponent. While the coefficient fits in an
// int64 the arithmetic is done on machine words, without allocating;
// otherwise, and whenever a word operation would overflow, the operation
// is done by github.com/shopspring/decimal instead. Each method gives the
// same coefficient and the same exponent as the decimal.Decimal method of
// the same name, not merely an equal value, so that moving a computation
// between the two changes no output; FuzzMatchesDecimal holds the package
// to that.
//
// Nothing here is ever a float, and nothing rounds unless a method whose
// name says so is called with the places to round to.
package exact

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// Dec is an exact decimal. The zero value is 0.
type Dec struct {
	coef int64
	exp  int32
	// big holds the value when it does not fit coef; coef and exp are then
	// unused.
	big *decimal.Decimal
}

// maxDigits is the largest number of decimal digits every int64 can hold.
const maxDigits = 18

var pow10 = [maxDigits + 1]int64{
	1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// New returns coef × 10^exp.
func New(coef int64, exp int32) Dec {
	if coef == math.MinInt64 {
		// Its magnitude does not fit an int64; keep it out of the word path.
		d := decimal.New(coef, exp)
		return Dec{big: &d}
	}
	return Dec{coef: coef, exp: exp}
}

// FromDecimal returns d as a Dec, keeping its coefficient and exponent.
func FromDecimal(d decimal.Decimal) Dec {
	if d.NumDigits() <= maxDigits {
		return Dec{coef: d.CoefficientInt64(), exp: d.Exponent()}
	}
	// A copy, so that d itself does not escape on the word path.
	b := d
	return Dec{big: &b}
}

// Decimal returns x as a decimal.Decimal with the same coefficient and
// exponent.
func (x Dec) Decimal() decimal.Decimal {
	if x.big != nil {
		return *x.big
	}
	return decimal.New(x.coef, x.exp)
}

// String formats x as decimal.Decimal.String does.
func (x Dec) String() string { return x.Decimal().String() }

// Exponent returns the exponent of x.
func (x Dec) Exponent() int32 {
	if x.big != nil {
		return x.big.Exponent()
	}
	return x.exp
}

// Sign returns -1, 0 or +1.
func (x Dec) Sign() int {
	if x.big != nil {
		return x.big.Sign()
	}
	switch {
	case x.coef < 0:
		return -1
	case x.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether x is 0.
func (x Dec) IsZero() bool { return x.Sign() == 0 }

// scaleUp returns c × 10^k, or false when that overflows.
func scaleUp(c int64, k int64) (int64, bool) {
	if k == 0 || c == 0 {
		return c, true
	}
	if k < 0 || k > maxDigits {
		return 0, false
	}
	neg := c < 0
	u := uint64(c)
	if neg {
		u = uint64(-c)
	}
	hi, lo := bits.Mul64(u, uint64(pow10[k]))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

// align returns the coefficients of x and y at the smaller of their
// exponents, or false when scaling overflows.
func align(x, y Dec) (a, b int64, exp int32, ok bool) {
	switch {
	case x.exp == y.exp:
		return x.coef, y.coef, x.exp, true
	case x.exp < y.exp:
		b, ok = scaleUp(y.coef, int64(y.exp)-int64(x.exp))
		return x.coef, b, x.exp, ok
	default:
		a, ok = scaleUp(x.coef, int64(x.exp)-int64(y.exp))
		return a, y.coef, y.exp, ok
	}
}

// add returns a+b, or false when the sum leaves the range New accepts.
func add(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) || s == math.MinInt64 {
		return 0, false
	}
	return s, true
}

// Add returns x + y.
func (x Dec) Add(y Dec) Dec {
	if x.big == nil && y.big == nil {
		if a, b, exp, ok := align(x, y); ok {
			if s, ok := add(a, b); ok {
				return Dec{coef: s, exp: exp}
			}
		}
	}
	return FromDecimal(x.Decimal().Add(y.Decimal()))
}

// Sub returns x - y.
func (x Dec) Sub(y Dec) Dec {
	if x.big == nil && y.big == nil {
		if a, b, exp, ok := align(x, y); ok {
			if s, ok := add(a, -b); ok {
				return Dec{coef: s, exp: exp}
			}
		}
	}
	return FromDecimal(x.Decimal().Sub(y.Decimal()))
}

// Neg returns -x.
func (x Dec) Neg() Dec {
	if x.big == nil {
		return Dec{coef: -x.coef, exp: x.exp}
	}
	return FromDecimal(x.big.Neg())
}

// Mul returns x × y. Like decimal.Decimal.Mul, it panics when the
// exponent of the product does not fit an int32; callers bound their
// inputs far below that.
func (x Dec) Mul(y Dec) Dec {
	if x.big == nil && y.big == nil {
		exp := int64(x.exp) + int64(y.exp)
		if exp >= math.MinInt32 && exp <= math.MaxInt32 {
			if p, ok := mul(x.coef, y.coef); ok {
				return Dec{coef: p, exp: int32(exp)}
			}
		}
	}
	return FromDecimal(x.Decimal().Mul(y.Decimal()))
}

// mul returns a×b, or false when the product does not fit.
func mul(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	ua, ub := abs(a), abs(b)
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

// abs returns |a| for an a other than math.MinInt64, which no Dec on the
// word path holds.
func abs(a int64) uint64 {
	if a < 0 {
		return uint64(-a)
	}
	return uint64(a)
}

// Cmp returns -1, 0 or +1 as x is less than, equal to or greater than y.
func (x Dec) Cmp(y Dec) int {
	if x.big == nil && y.big == nil {
		if a, b, _, ok := align(x, y); ok {
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
		if sx, sy := x.Sign(), y.Sign(); sx != sy {
			if sx > sy {
				return 1
			}
			return -1
		}
	}
	return x.Decimal().Cmp(y.Decimal())
}

// Equal reports whether x and y are the same number.
func (x Dec) Equal(y Dec) bool { return x.Cmp(y) == 0 }

// Round rounds x to places decimal places, half away from zero, like
// decimal.Decimal.Round: the result has exponent -places.
func (x Dec) Round(places int32) Dec {
	return x.round(places, false)
}

// RoundBank rounds x to places decimal places, half to even, like
// decimal.Decimal.RoundBank: the result has exponent -places.
func (x Dec) RoundBank(places int32) Dec {
	return x.round(places, true)
}

func (x Dec) round(places int32, halfEven bool) Dec {
	if x.big == nil && places != math.MinInt32 {
		if x.exp == -places {
			return x
		}
		target := -places
		if x.exp > target {
			if c, ok := scaleUp(x.coef, int64(x.exp)-int64(target)); ok {
				return Dec{coef: c, exp: target}
			}
		} else if k := int64(target) - int64(x.exp); k <= maxDigits {
			p := pow10[k]
			q, r := x.coef/p, x.coef%p
			ar := abs(r)
			twice := 2 * ar // < 2×10^18, no overflow
			away := twice > uint64(p) || (twice == uint64(p) && (!halfEven || q%2 != 0))
			if away {
				if x.coef < 0 {
					q--
				} else {
					q++
				}
			}
			return Dec{coef: q, exp: target}
		}
	}
	d := x.Decimal()
	if halfEven {
		return FromDecimal(d.RoundBank(places))
	}
	return FromDecimal(d.Round(places))
}

// DivRound returns x / y rounded to places decimal places, half away from
// zero, like decimal.Decimal.DivRound: the result has exponent -places.
// Like it, DivRound panics when y is zero; callers check first.
func (x Dec) DivRound(y Dec, places int32) Dec {
	if x.big == nil && y.big == nil && y.coef != 0 && places != math.MinInt32 {
		// x/y = (a / b) × 10^(ex-ey); scale so the quotient has exponent
		// -places, as decimal.Decimal.DivRound does.
		e := int64(x.exp) - int64(y.exp) + int64(places)
		a, b := x.coef, y.coef
		ok := true
		if e < 0 {
			b, ok = scaleUp(b, -e)
		} else {
			a, ok = scaleUp(a, e)
		}
		if ok {
			q, r := a/b, a%b
			ar, ab := abs(r), abs(b)
			if ar >= ab-ar { // 2|r| >= |b| without overflowing
				if (a < 0) != (b < 0) {
					q--
				} else {
					q++
				}
			}
			return Dec{coef: q, exp: -places}
		}
	}
	return FromDecimal(x.Decimal().DivRound(y.Decimal(), places))
}

// MulDivRound returns x × y / z rounded to places decimal places, half away
// from zero, with one rounding: the same coefficient and exponent as
// decimal.Decimal's x.Mul(y).DivRound(z, places), but on machine words
// while the product fits 128 bits and the quotient an int64. Like
// DivRound, it panics when z is zero; callers check first.
func (x Dec) MulDivRound(y, z Dec, places int32) Dec {
	if x.big == nil && y.big == nil && z.big == nil && z.coef != 0 && places != math.MinInt32 {
		if q, ok := mulDivRound(x, y, z, places); ok {
			return q
		}
	}
	return FromDecimal(x.Decimal().Mul(y.Decimal()).DivRound(z.Decimal(), places))
}

// mulDivRound is MulDivRound on words, or false when a figure does not fit.
func mulDivRound(x, y, z Dec, places int32) (Dec, bool) {
	// x × y / z = (|xc × yc| × 10^e / |zc|) × 10^-places, up to the sign.
	e := int64(x.exp) + int64(y.exp) - int64(z.exp) + int64(places)
	if e < -maxDigits || e > maxDigits {
		return Dec{}, false
	}
	hi, lo := bits.Mul64(abs(x.coef), abs(y.coef))
	b := abs(z.coef)
	if e < 0 {
		var over uint64
		if over, b = bits.Mul64(b, uint64(pow10[-e])); over != 0 {
			return Dec{}, false
		}
	} else if e > 0 {
		p := uint64(pow10[e])
		over, h := bits.Mul64(hi, p)
		carry, l := bits.Mul64(lo, p)
		var c uint64
		if h, c = bits.Add64(h, carry, 0); over != 0 || c != 0 {
			return Dec{}, false
		}
		hi, lo = h, l
	}
	if hi >= b { // the quotient does not fit 64 bits
		return Dec{}, false
	}
	q, r := bits.Div64(hi, lo, b)
	if q >= math.MaxInt64 {
		return Dec{}, false // too large for a coefficient, once rounded
	}
	if r >= b-r { // 2r >= b without overflowing: away from zero
		q++
	}
	c := int64(q)
	if (x.coef < 0) != (y.coef < 0) != (z.coef < 0) && c != 0 {
		c = -c
	}
	return Dec{coef: c, exp: -places}, true
}

// QuoRem returns the quotient of x by y truncated to places decimal places
// and the remainder x - y × q, with the coefficients and exponents of
// decimal.Decimal.QuoRem. Like it, QuoRem panics when y is zero; callers
// check first.
func (x Dec) QuoRem(y Dec, places int32) (Dec, Dec) {
	if x.big == nil && y.big == nil && y.coef != 0 && places != math.MinInt32 {
		e := int64(x.exp) - int64(y.exp) + int64(places)
		a, b, rexp := x.coef, y.coef, int64(x.exp)
		ok := true
		if e < 0 {
			b, ok = scaleUp(b, -e)
		} else {
			a, ok = scaleUp(a, e)
			rexp = int64(y.exp) - int64(places)
		}
		if ok && rexp >= math.MinInt32 && rexp <= math.MaxInt32 {
			return Dec{coef: a / b, exp: -places}, Dec{coef: a % b, exp: int32(rexp)}
		}
	}
	q, r := x.Decimal().QuoRem(y.Decimal(), places)
	return FromDecimal(q), FromDecimal(r)
}

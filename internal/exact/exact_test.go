package exact

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// same reports whether a Dec and a decimal.Decimal have the same
// coefficient and exponent, which is stricter than being equal numbers.
func same(t *testing.T, what string, got Dec, want decimal.Decimal) {
	t.Helper()
	g := got.Decimal()
	if g.Coefficient().Cmp(want.Coefficient()) != 0 || g.Exponent() != want.Exponent() {
		t.Fatalf("%s: got %s (coefficient %s, exponent %d), want %s (coefficient %s, exponent %d)",
			what, g, g.Coefficient(), g.Exponent(), want, want.Coefficient(), want.Exponent())
	}
}

// operands are values at the edges of the word path: zero, one, the
// largest coefficients, the overflow boundary, and values that need
// shopspring/decimal from the start.
var operands = []decimal.Decimal{
	decimal.Zero,
	decimal.New(0, -2),
	decimal.New(1, 0),
	decimal.New(-1, 0),
	decimal.New(5, -1),
	decimal.New(-5, -1),
	decimal.New(15, -1),
	decimal.New(25, -1),
	decimal.New(-25, -1),
	decimal.New(12345, -2),
	decimal.New(-12345, -4),
	decimal.New(9650, -4),
	decimal.New(18, -2),
	decimal.New(999999999999999999, 0),
	decimal.New(-999999999999999999, -9),
	decimal.New(math.MaxInt64, 0),
	decimal.New(math.MaxInt64, -3),
	decimal.New(-math.MaxInt64, 2),
	decimal.New(math.MinInt64, 0),
	decimal.New(3037000499, 0), // its square is just below 2^63
	decimal.New(3037000500, 0), // its square is just above
	decimal.New(7, 17),
	decimal.New(7, -17),
	decimal.New(1, 30),
	decimal.RequireFromString("123456789012345678901234567890.123"),
	decimal.RequireFromString("-0.000000000000000000000000001"),
}

func TestMatchesDecimalOnEdges(t *testing.T) {
	for i, a := range operands {
		for j, b := range operands {
			t.Run(fmt.Sprintf("%d_%d", i, j), func(t *testing.T) {
				checkAll(t, a, b, int32((i+j)%6))
			})
		}
	}
}

// checkAll compares every operation of Dec with decimal.Decimal on a, b.
func checkAll(t *testing.T, a, b decimal.Decimal, places int32) {
	x, y := FromDecimal(a), FromDecimal(b)
	same(t, "FromDecimal", x, a)
	same(t, a.String()+" + "+b.String(), x.Add(y), a.Add(b))
	same(t, a.String()+" - "+b.String(), x.Sub(y), a.Sub(b))
	same(t, a.String()+" × "+b.String(), x.Mul(y), a.Mul(b))
	same(t, "-"+a.String(), x.Neg(), a.Neg())
	require.Equal(t, a.Cmp(b), x.Cmp(y), "Cmp(%s, %s)", a, b)
	require.Equal(t, a.Equal(b), x.Equal(y), "Equal(%s, %s)", a, b)
	require.Equal(t, a.Sign(), x.Sign(), "Sign(%s)", a)
	require.Equal(t, a.String(), x.String())
	same(t, fmt.Sprintf("Round(%s, %d)", a, places), x.Round(places), a.Round(places))
	same(t, fmt.Sprintf("RoundBank(%s, %d)", a, places), x.RoundBank(places), a.RoundBank(places))
	if !b.IsZero() {
		same(t, fmt.Sprintf("DivRound(%s, %s, %d)", a, b, places), x.DivRound(y, places), a.DivRound(b, places))
		q, r := x.QuoRem(y, places)
		wq, wr := a.QuoRem(b, places)
		same(t, fmt.Sprintf("QuoRem(%s, %s, %d) quotient", a, b, places), q, wq)
		same(t, fmt.Sprintf("QuoRem(%s, %s, %d) remainder", a, b, places), r, wr)
		for _, m := range []decimal.Decimal{a, b, a.Neg()} {
			same(t, fmt.Sprintf("MulDivRound(%s, %s, %s, %d)", a, m, b, places),
				x.MulDivRound(FromDecimal(m), y, places), a.Mul(m).DivRound(b, places))
		}
	}
}

func TestRoundTies(t *testing.T) {
	tests := []struct {
		in             string
		places         int32
		halfUp, banker string
	}{
		{"2.5", 0, "3", "2"},
		{"3.5", 0, "4", "4"},
		{"-2.5", 0, "-3", "-2"},
		{"-3.5", 0, "-4", "-4"},
		{"0.125", 2, "0.13", "0.12"},
		{"0.135", 2, "0.14", "0.14"},
		{"0.1251", 2, "0.13", "0.13"},
		{"1.005", 2, "1.01", "1"},
		{"7", 2, "7", "7"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			x := FromDecimal(decimal.RequireFromString(tt.in))
			require.Equal(t, tt.halfUp, x.Round(tt.places).String())
			require.Equal(t, tt.banker, x.RoundBank(tt.places).String())
			require.Equal(t, -tt.places, x.Round(tt.places).Exponent())
		})
	}
}

func TestNewKeepsMinInt64Exact(t *testing.T) {
	x := New(math.MinInt64, -2)
	require.Equal(t, "-92233720368547758.08", x.String())
	same(t, "neg", x.Neg(), decimal.New(math.MinInt64, -2).Neg())
}

// FuzzMatchesDecimal holds every operation of Dec to the coefficient and
// exponent decimal.Decimal gives.
func FuzzMatchesDecimal(f *testing.F) {
	f.Add(int64(12345), int32(-2), int64(9650), int32(-4), int32(2), uint8(0))
	f.Add(int64(math.MaxInt64), int32(0), int64(2), int32(0), int32(0), uint8(0))
	f.Add(int64(-5), int32(-1), int64(1), int32(0), int32(0), uint8(1))
	f.Add(int64(3037000500), int32(3), int64(3037000500), int32(-3), int32(4), uint8(2))
	f.Fuzz(func(t *testing.T, ca int64, ea int32, cb int64, eb int32, places int32, widen uint8) {
		// Keep exponents where decimal.Decimal itself does not panic.
		ea, eb = ea%40, eb%40
		places %= 20
		a, b := decimal.New(ca, ea), decimal.New(cb, eb)
		if widen&1 != 0 {
			// Push a past the word path.
			a = a.Mul(decimal.New(1, 0).Add(decimal.NewFromBigInt(new(big.Int).Lsh(big.NewInt(1), 70), 0)))
		}
		if widen&2 != 0 {
			b = b.Neg()
		}
		checkAll(t, a, b, places)
	})
}

// TestMulDivRoundRoundsOnce checks MulDivRound against rationals rounded
// once, half away from zero, on random operands of any sign, size and
// exponent: it is how valuation converts a line with its share of the
// charges, so one rounding of the exact quotient is its contract, whatever
// path (words or shopspring/decimal) computes it.
func TestMulDivRoundRoundsOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 8))
	number := func() decimal.Decimal {
		var x decimal.Decimal
		switch r.IntN(4) {
		case 0: // beyond an int64
			c := new(big.Int).Lsh(big.NewInt(r.Int64()), uint(r.IntN(80)))
			x = decimal.NewFromBigInt(c, int32(r.IntN(30))-20)
		case 1: // ends in a half, so rounding matters
			x = decimal.New(r.Int64N(1_000_000)*10+5, -int32(r.IntN(8)))
		default:
			x = decimal.New(r.Int64N(1_000_000_000_000), int32(r.IntN(16))-12)
		}
		if r.IntN(5) == 0 {
			x = x.Neg()
		}
		return x
	}
	for places := range int32(4) {
		for n := range 3000 {
			x, y, z := number(), number(), number()
			if z.IsZero() {
				z = decimal.New(7, -1)
			}
			want := roundRat(new(big.Rat).Quo(new(big.Rat).Mul(x.Rat(), y.Rat()), z.Rat()), places)
			got := FromDecimal(x).MulDivRound(FromDecimal(y), FromDecimal(z), places)
			require.Equal(t, -places, got.Exponent(), "case %d", n)
			require.True(t, want.Equal(got.Decimal()), "case %d: %s × %s / %s to %d places: %s, want %s",
				n, x, y, z, places, got, want)
		}
	}
}

// roundRat rounds x to places decimal places, half away from zero.
func roundRat(x *big.Rat, places int32) decimal.Decimal {
	scaled := new(big.Rat).Mul(x, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)))
	num := new(big.Int).Abs(scaled.Num())
	q, rem := new(big.Int).QuoRem(num, scaled.Denom(), new(big.Int))
	if rem.Lsh(rem, 1).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -places)
}

package exact

import (
	"fmt"
	"math"
	"math/big"
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

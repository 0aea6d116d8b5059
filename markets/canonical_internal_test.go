package markets

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestAppendDecimal holds appendDecimal, which writes the canonical JSON's
// numbers without a big.Int, to decimal.Decimal.String.
func TestAppendDecimal(t *testing.T) {
	values := []decimal.Decimal{
		{}, decimal.New(0, -2), decimal.New(0, 3), decimal.New(-5, 0), decimal.New(5, 3),
		decimal.New(-123, -1), decimal.New(100, -2), decimal.New(-100, -2), decimal.New(7, -5),
		decimal.New(-7, -18), decimal.New(7, -19), decimal.New(1, 18), decimal.New(1, 19),
		decimal.New(999_999_999_999_999_999, -9), decimal.New(-999_999_999_999_999_999, -18),
		decimal.RequireFromString("123456789012345678901234.5678"), decimal.RequireFromString("-0.00001000"),
		decimal.New(-9_223_372_036_854_775_807, -3),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		c := r.Int64N(2_000_000_000_000_000_000) - 1_000_000_000_000_000_000
		c >>= r.UintN(63)
		values = append(values, decimal.New(c, int32(r.IntN(45)-25)))
	}
	for _, d := range values {
		require.Equal(t, d.String(), string(appendDecimal([]byte("x"), d))[1:], "coefficient %s exponent %d", d.Coefficient(), d.Exponent())
	}
}

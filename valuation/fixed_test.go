package valuation

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// sameDecimal is exact equality of decimals: the same value and the same
// exponent, so that they print alike however they are formatted.
var sameDecimal = cmp.Comparer(func(a, b decimal.Decimal) bool {
	return a.Equal(b) && a.Exponent() == b.Exponent()
})

// compareFixed values s on both paths and fails unless the integer path,
// when it answers, gives exactly what the decimal path gives. It reports
// whether the integer path answered.
func compareFixed(t *testing.T, s iorules.Shipment, basis Basis, dest iorules.Currency) bool {
	t.Helper()
	included, ok := priceIncludes[s.Incoterm]
	require.True(t, ok)
	rate, err := exchangeRate(s, dest)
	require.NoError(t, err)
	fast, ok := valueFixed(s, basis, dest, rate, included)
	slow, err := valueDecimal(s, basis, dest, rate, included)
	if !ok {
		return false
	}
	require.NoError(t, err, "the integer path answered where the decimal path fails")
	if diff := cmp.Diff(slow, fast, sameDecimal); diff != "" {
		t.Fatalf("integer path differs (-decimal +integer):\n%s", diff)
	}
	return true
}

// randomShipment builds a shipment whose amounts range from ordinary to
// near the limits of 63 bits, with any number of decimal places.
func randomShipment(r *rand.Rand) (iorules.Shipment, Basis, iorules.Currency) {
	markets := []struct {
		country  iorules.Country
		currency iorules.Currency
	}{{"BR", "BRL"}, {"VN", "VND"}, {"KW", "KWD"}, {"IN", "INR"}}
	sources := []iorules.Currency{"USD", "JPY", "KWD", "BRL", "VND"}
	m := markets[r.IntN(len(markets))]
	cur := sources[r.IntN(len(sources))]
	// number returns a decimal with a coefficient of up to digits digits
	// (sometimes the largest such) and exponent exp.
	number := func(digits int, exp int32) decimal.Decimal {
		if digits > 18 { // beyond an int64
			c := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
			c.Sub(c, big.NewInt(r.Int64N(1000)+1))
			return decimal.NewFromBigInt(c, exp)
		}
		limit := int64(pow10[digits])
		if r.IntN(8) == 0 {
			return decimal.New(limit-1, exp)
		}
		return decimal.New(r.Int64N(limit), exp)
	}
	// Half the shipments are ordinary; in the others a number has up to
	// 20 digits and many places.
	extreme := r.IntN(2) == 0
	digits := func() int {
		if extreme && r.IntN(3) == 0 {
			return 10 + r.IntN(11)
		}
		return 1 + r.IntN(9)
	}
	places := func() int32 {
		if extreme {
			return int32(r.IntN(10))
		}
		return int32(r.IntN(4))
	}
	amount := func() decimal.Decimal {
		switch r.IntN(20) {
		case 0:
			return decimal.Decimal{}
		case 1:
			return number(digits(), -places()).Neg()
		}
		return number(digits(), -places())
	}
	s := iorules.Shipment{
		ID: "R", Destination: m.country, Currency: cur,
		Incoterm: iorules.Incoterms[r.IntN(len(iorules.Incoterms))],
		Charges: iorules.Charges{
			OriginInland: amount(), Freight: amount(), Insurance: amount(),
			DestinationHandling: amount(), DestinationInland: amount(),
		},
	}
	if cur != m.currency {
		rate := number(digits(), -places()-int32(r.IntN(6)))
		if extreme && r.IntN(4) == 0 {
			rate = rate.Shift(int32(r.IntN(6))) // a rate with a positive exponent
		}
		if rate.Sign() == 0 {
			rate = decimal.NewFromInt(1)
		}
		s.ExchangeRates = map[iorules.Currency]decimal.Decimal{cur: rate}
	}
	for i := range 1 + r.IntN(12) {
		q := 1 + r.IntN(100)
		switch r.IntN(20) {
		case 0:
			q = 0
		case 1:
			q = 10_000_000
		}
		s.Items = append(s.Items, iorules.Item{Line: i + 1, Quantity: q,
			UnitValue: number(digits(), -places())})
	}
	return s, []Basis{CIF, FOB}[r.IntN(2)], m.currency
}

// TestValueFixedMatchesDecimal checks the integer path of Value against
// the decimal path on random shipments, ordinary and near overflow, and
// that it takes over the ordinary ones.
func TestValueFixedMatchesDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	answered := 0
	const cases = 10_000
	for n := range cases {
		s, basis, dest := randomShipment(r)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			if compareFixed(t, s, basis, dest) {
				answered++
			}
		})
	}
	// Most random shipments fit; the test must not pass by never comparing.
	require.Greater(t, answered, cases/4, "the integer path answered %d of %d", answered, cases)

	// A conversion whose quotient would round past 2^64 - 1 (found in
	// review: it wrapped to 0).
	compareFixed(t, shipment("BR", "USD", "190000.000017", iorules.CIF,
		charges("0", "0", "0", "970881266950.476498", "0"), line{qty: 1, unit: "100.00"}), CIF, "BRL")

	// Ordinary shipments of any length take the integer path.
	for _, n := range []int{1, 10, 100} {
		lines := make([]line, n)
		for i := range lines {
			lines[i] = line{qty: 1 + i%7, unit: fmt.Sprintf("%d.%d", 900+i, i%10)}
		}
		s := shipment("BR", "USD", "5.4321", iorules.FOB, charges("0", "3000.00", "500.00", "0", "0"), lines...)
		require.True(t, compareFixed(t, s, CIF, "BRL"))
	}
}

// FuzzValueFixed compares the two paths of Value on shipments of two lines
// built from the fuzzer's integers.
func FuzzValueFixed(f *testing.F) {
	f.Add(int64(97000), int32(-2), 3, int64(12345), int32(-3), 1, int64(300000), int32(-2), int64(54321), int32(-4), uint8(8))
	f.Add(int64(math.MaxInt64), int32(0), 1, int64(1), int32(0), 1, int64(0), int32(0), int64(1), int32(0), uint8(0))
	f.Add(int64(999_999_999_999_999_999), int32(-18), 7, int64(5), int32(-1), 2, int64(-1), int32(-9), int64(999_999_999_999_999_999), int32(-18), uint8(10))
	f.Add(int64(1), int32(-19), 1, int64(3), int32(5), 9, int64(7), int32(-5), int64(3), int32(9), uint8(3))
	f.Fuzz(func(t *testing.T, u1 int64, e1 int32, q1 int, u2 int64, e2 int32, q2 int,
		fr int64, efr int32, rate int64, erate int32, term uint8) {
		// Keep to shapes Value accepts and decimals can hold: exponents of
		// a sensible size, a positive rate.
		if rate <= 0 || e1 < -40 || e1 > 40 || e2 < -40 || e2 > 40 || efr < -40 || efr > 40 || erate < -40 || erate > 40 {
			t.Skip()
		}
		s := iorules.Shipment{
			ID: "F", Destination: "BR", Currency: "USD",
			Incoterm:      iorules.Incoterms[int(term)%len(iorules.Incoterms)],
			ExchangeRates: map[iorules.Currency]decimal.Decimal{"USD": decimal.New(rate, erate)},
			Charges:       iorules.Charges{Freight: decimal.New(fr, efr), Insurance: decimal.New(fr/3, efr)},
			Items: []iorules.Item{
				{Line: 1, Quantity: q1, UnitValue: decimal.New(u1, e1)},
				{Line: 2, Quantity: q2, UnitValue: decimal.New(u2, e2)},
			},
		}
		compareFixed(t, s, CIF, "BRL")
		compareFixed(t, s, FOB, "BRL")
	})
}

// TestCheckedArithmetic compares addInt64, mulInt64 and toFixed with big
// integers around the edges of int64.
func TestCheckedArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	edges := []int64{0, 1, -1, 2, -2, 10, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1,
		math.MaxInt32, math.MinInt32, 3037000499, 3037000500, -3037000500, 1 << 62, -(1 << 62)}
	values := func() int64 {
		switch r.IntN(3) {
		case 0:
			return edges[r.IntN(len(edges))]
		case 1:
			return int64(r.Uint64())
		}
		return r.Int64N(1<<32) - 1<<31
	}
	fits := func(x *big.Int) bool { return x.IsInt64() }
	for range 100_000 {
		a, b := values(), values()
		sum := new(big.Int).Add(big.NewInt(a), big.NewInt(b))
		got, ok := addInt64(a, b)
		require.Equal(t, fits(sum), ok, "%d + %d", a, b)
		if ok {
			require.Equal(t, sum.Int64(), got, "%d + %d", a, b)
		}
		product := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
		got, ok = mulInt64(a, b)
		want := fits(product) && product.Int64() != math.MinInt64
		require.Equal(t, want, ok, "%d × %d", a, b)
		if ok {
			require.Equal(t, product.Int64(), got, "%d × %d", a, b)
		}
	}
	for range 100_000 {
		d := decimal.New(values(), int32(r.IntN(40))-20)
		scale := int32(r.IntN(20))
		got, ok := toFixed(d, scale)
		exact := d.Shift(scale)
		if ok {
			require.True(t, exact.Equal(decimal.NewFromInt(got)), "%s at scale %d: %d", d, scale, got)
			continue
		}
		// Turned down: not a whole count, beyond an int64, or outside the
		// shapes toFixed takes (a coefficient of 19 digits, more places
		// than scale as written, a shift beyond 10^18).
		fits := exact.IsInteger() && exact.Abs().LessThanOrEqual(decimal.NewFromInt(math.MaxInt64))
		require.True(t, !fits || d.NumDigits() > 18 || d.Exponent()+scale > maxFixedPlaces || d.Exponent()+scale < 0,
			"%s at scale %d fits", d, scale)
	}
}

// TestConvertMatchesRound checks converter.convert against decimal's
// Mul and Round, the operations it replaces.
func TestConvertMatchesRound(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	converted := 0
	for range 200_000 {
		scale := int32(r.IntN(maxFixedPlaces + 1))
		places := int32(r.IntN(4))
		rate := decimal.New(1+r.Int64N(1_000_000_000_000_000_000-1), int32(r.IntN(30))-20)
		if r.IntN(2) == 0 {
			rate = decimal.New(1+r.Int64N(100_000_000), -int32(r.IntN(9)))
		}
		x := int64(r.Uint64())
		if r.IntN(2) == 0 {
			x = r.Int64N(2_000_000_000_000) - 1_000_000_000_000
		}
		// Amounts that end in a half unit exercise the rounding.
		if r.IntN(4) == 0 {
			x = x/10*10 + 5
		}
		c, ok := newConverter(rate, scale, places)
		if !ok {
			continue
		}
		got, ok := c.convert(x)
		want := decimal.New(x, -scale).Mul(rate).Round(places)
		if !ok {
			// Only a result beyond an int64 (or the one input it cannot
			// negate) is turned down.
			require.True(t, x == math.MinInt64 || want.Shift(places).Abs().GreaterThan(decimal.NewFromInt(math.MaxInt64)),
				"%d at scale %d × %s rounded to %d places fits", x, scale, rate, places)
			continue
		}
		converted++
		require.True(t, want.Equal(decimal.New(got, -places)), "%d at scale %d × %s rounded to %d places: %d, want %s", x, scale, rate, places, got, want)
	}
	require.Greater(t, converted, 10_000)

	// A quotient of 2^64 - 1 that rounds up must be turned down, not wrap
	// to 0 (found in review): 970881266950.476498 at a rate of
	// 190000.000017, to 2 places.
	c, ok := newConverter(decimal.RequireFromString("190000.000017"), 6, 2)
	require.True(t, ok)
	_, ok = c.convert(970881266950476498)
	require.False(t, ok, "a result beyond an int64 must fall back to the decimal path")
}

package valuation

import (
	"errors"
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

// TestValueCIFConvertsExactly is the regression test of issue 14 item 9: a
// CIF price of USD 100,000 + 20,000 with USD 1,000 freight and 100
// insurance. Taking the freight and insurance out of the price as one
// amount and adding them back as two, each split to the cent in dollars,
// moved a cent from one line to the other, which the rate then magnified
// (263.5 dong a cent) and per-line rounding made a dong more in total.
// Each line must be its invoice value converted once, and the lines must
// add up to the total.
func TestValueCIFConvertsExactly(t *testing.T) {
	tests := []struct {
		name    string
		country iorules.Country
		dest    iorules.Currency
		rate    string
		want    []Line
		total   string
	}{{
		name: "VND", country: "VN", dest: "VND", rate: "26350",
		want: []Line{
			// freight 26,350,000 and insurance 2,635,000 dong, split 5:1; the
			// FOB values are 99,083.33... and 19,816.66... dollars converted
			// once
			{Line: 1, InvoiceValue: d("2635000000"), FOBValue: d("2610845833"), Freight: d("21958333"),
				Insurance: d("2195833"), CustomsValue: d("2635000000")},
			{Line: 2, InvoiceValue: d("527000000"), FOBValue: d("522169167"), Freight: d("4391667"),
				Insurance: d("439167"), CustomsValue: d("527000000")},
		},
		total: "3162000000",
	}, {
		name: "SAR", country: "SA", dest: "SAR", rate: "3.7500",
		want: []Line{
			// freight 3,750.00 and insurance 375.00 riyals
			{Line: 1, InvoiceValue: d("375000.00"), FOBValue: d("371562.50"), Freight: d("3125.00"),
				Insurance: d("312.50"), CustomsValue: d("375000.00")},
			{Line: 2, InvoiceValue: d("75000.00"), FOBValue: d("74312.50"), Freight: d("625.00"),
				Insurance: d("62.50"), CustomsValue: d("75000.00")},
		},
		total: "450000.00",
	}, {
		name: "PHP", country: "PH", dest: "PHP", rate: "58.4500",
		want: []Line{
			// freight 58,450.00 and insurance 5,845.00 pesos
			{Line: 1, InvoiceValue: d("5845000.00"), FOBValue: d("5791420.83"), Freight: d("48708.33"),
				Insurance: d("4870.83"), CustomsValue: d("5845000.00")},
			{Line: 2, InvoiceValue: d("1169000.00"), FOBValue: d("1158284.17"), Freight: d("9741.67"),
				Insurance: d("974.17"), CustomsValue: d("1169000.00")},
		},
		total: "7014000.00",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := shipment(tt.country, "USD", tt.rate, iorules.CIF, charges("0", "1000.00", "100.00", "0", "0"),
				line{1, "100000.00"}, line{1, "20000.00"})
			v, err := Value(s, CIF, tt.dest)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, v.Lines, sameDecimal); diff != "" {
				t.Fatalf("lines (-want +got):\n%s", diff)
			}
			require.True(t, d(tt.total).Equal(v.CustomsValue), "customs value %s, want %s", v.CustomsValue, tt.total)
			require.True(t, v.CustomsValue.Equal(v.InvoiceValue), "a CIF price is the CIF customs value")
			checkValuation(t, s, CIF, v)

			// On the FOB basis the same sale is its price less the freight
			// and insurance, converted once each.
			f, err := Value(s, FOB, tt.dest)
			require.NoError(t, err)
			for i, l := range f.Lines {
				require.True(t, l.CustomsValue.Equal(tt.want[i].FOBValue), "line %d on the FOB basis: %s, want %s",
					l.Line, l.CustomsValue, tt.want[i].FOBValue)
			}
			checkValuation(t, s, FOB, f)
		})
	}
}

// TestValueLinesProperty values random CIF, CFR and FOB sales to markets
// with 0, 2 and 3 decimal places, on both bases, and checks what
// checkValuation checks: above all that the lines add up exactly to the
// totals and that a line of a CIF sale valued CIF is its invoice value
// converted and rounded once.
func TestValueLinesProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 9))
	markets := []struct {
		country  iorules.Country
		currency iorules.Currency
	}{{"VN", "VND"}, {"SA", "SAR"}, {"PH", "PHP"}, {"BR", "BRL"}, {"KW", "KWD"}}
	sources := []iorules.Currency{"USD", "EUR", "JPY", "KWD"}
	terms := []iorules.Incoterm{iorules.CIF, iorules.CFR, iorules.FOB}
	money := func(cur iorules.Currency, maxUnits int64) decimal.Decimal {
		return decimal.New(r.Int64N(maxUnits), -cur.MinorUnits())
	}
	for n := range 2000 {
		m := markets[r.IntN(len(markets))]
		cur := sources[r.IntN(len(sources))]
		rate := ""
		if cur != m.currency {
			rate = decimal.New(1+r.Int64N(100_000_000), -int32(r.IntN(8))).String()
		}
		var lines []line
		for range 1 + r.IntN(20) {
			unit := decimal.New(1+r.Int64N(100_000_000), -cur.MinorUnits())
			lines = append(lines, line{1 + r.IntN(40), unit.String()})
		}
		term := terms[r.IntN(len(terms))]
		ch := iorules.Charges{Freight: money(cur, 500_000), Insurance: money(cur, 50_000)}
		s := shipment(m.country, cur, rate, term, ch, lines...)
		if s.InvoiceValue().LessThanOrEqual(ch.Freight.Add(ch.Insurance)) {
			continue // a C-term price that does not cover its charges
		}
		for _, basis := range []Basis{CIF, FOB} {
			t.Run(fmt.Sprintf("%d/%s/%s/%s", n, term, m.currency, basis), func(t *testing.T) {
				v, err := Value(s, basis, m.currency)
				require.NoError(t, err)
				checkValuation(t, s, basis, v)
			})
		}
	}
}

// TestValueExtremeAmounts values random shipments under every incoterm
// whose amounts range from ordinary to far beyond 64 bits, with up to ten
// decimal places and rates with a positive exponent, and checks what
// checkValuation checks.
func TestValueExtremeAmounts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	valued := 0
	const cases = 5000
	for n := range cases {
		s, basis, dest := randomShipment(r)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			v, err := Value(s, basis, dest)
			if err != nil {
				var fe *iorules.FieldError
				require.True(t, errors.As(err, &fe), "%v", err)
				return
			}
			valued++
			checkValuation(t, s, basis, v)
		})
	}
	require.Greater(t, valued, cases/2, "only %d of %d shipments could be valued", valued, cases)
}

// randomShipment builds a shipment whose amounts range from ordinary to
// far beyond 64 bits, with any number of decimal places.
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
		limit := pow10Big(int32(digits)).Int64()
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
		Incoterm: iorules.Incoterms()[r.IntN(len(iorules.Incoterms()))],
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

// FuzzValue values shipments of two lines built from the fuzzer's integers
// under every incoterm, on both bases, and checks what checkValuation
// checks. (It replaces FuzzValueFixed, which compared the machine-integer
// twin of Value with the decimal path; there is one path now.)
func FuzzValue(f *testing.F) {
	f.Add(int64(97000), int32(-2), 3, int64(12345), int32(-3), 1, int64(300000), int32(-2), int64(54321), int32(-4), uint8(8))
	f.Add(int64(math.MaxInt64), int32(0), 1, int64(1), int32(0), 1, int64(0), int32(0), int64(1), int32(0), uint8(0))
	f.Add(int64(999_999_999_999_999_999), int32(-18), 7, int64(5), int32(-1), 2, int64(-1), int32(-9), int64(999_999_999_999_999_999), int32(-18), uint8(10))
	f.Add(int64(1), int32(-19), 1, int64(3), int32(5), 9, int64(7), int32(-5), int64(3), int32(9), uint8(3))
	// Issue 14 item 9: USD 100,000 + 20,000 CIF, freight 1,000 and
	// insurance 333 (fr/3), at 26,350.
	f.Add(int64(10000000), int32(-2), 1, int64(2000000), int32(-2), 1, int64(100000), int32(-2), int64(26350), int32(0), uint8(10))
	f.Fuzz(func(t *testing.T, u1 int64, e1 int32, q1 int, u2 int64, e2 int32, q2 int,
		fr int64, efr int32, rate int64, erate int32, term uint8) {
		// Keep to shapes decimals can hold: exponents of a sensible size,
		// a positive rate.
		if rate <= 0 || e1 < -40 || e1 > 40 || e2 < -40 || e2 > 40 || efr < -40 || efr > 40 || erate < -40 || erate > 40 {
			t.Skip()
		}
		s := iorules.Shipment{
			ID: "F", Destination: "VN", Currency: "USD",
			Incoterm:      iorules.Incoterms()[int(term)%len(iorules.Incoterms())],
			ExchangeRates: map[iorules.Currency]decimal.Decimal{"USD": decimal.New(rate, erate)},
			Charges:       iorules.Charges{Freight: decimal.New(fr, efr), Insurance: decimal.New(fr/3, efr)},
			Items: []iorules.Item{
				{Line: 1, Quantity: q1, UnitValue: decimal.New(u1, e1)},
				{Line: 2, Quantity: q2, UnitValue: decimal.New(u2, e2)},
			},
		}
		for _, dest := range []struct {
			country  iorules.Country
			currency iorules.Currency
		}{{"VN", "VND"}, {"BR", "BRL"}, {"KW", "KWD"}} {
			s.Destination = dest.country
			for _, basis := range []Basis{CIF, FOB} {
				v, err := Value(s, basis, dest.currency)
				if err != nil {
					// Only the input problems a valid shape can still have:
					// a negative line or a price that does not cover its
					// charges.
					var fe *iorules.FieldError
					require.True(t, errors.As(err, &fe), "%v", err)
					continue
				}
				checkValuation(t, s, basis, v)
			}
		}
	})
}

// checkValuation checks v, the valuation of s on basis, against what Value
// promises, computing the exact figures independently in rationals:
//
//   - every amount is in the minor unit of the destination currency;
//   - each line's invoice value, and each charge, is the exact amount
//     converted and rounded once, half away from zero;
//   - each line's FOB value and customs value is the line's exact value in
//     the shipment currency (its invoice value and its pro rata share of
//     the charges) converted and rounded once, half away from zero;
//   - so on a CIF sale valued CIF a line's customs value is its invoice
//     value converted and rounded once;
//   - a line's freight and insurance are within a minor unit of their pro
//     rata shares of the converted charges;
//   - the lines add up exactly to the totals, figure by figure.
func checkValuation(t *testing.T, s iorules.Shipment, basis Basis, v Valuation) {
	t.Helper()
	places := v.Currency.MinorUnits()
	convert := func(x decimal.Decimal) decimal.Decimal { return x.Mul(v.ExchangeRate).Round(places) }
	inUnit := func(what string, x decimal.Decimal) {
		t.Helper()
		require.Equal(t, -places, x.Exponent(), "%s %s is not in the minor unit of %s", what, x, v.Currency)
	}

	// Totals and their lines.
	require.Len(t, v.Lines, len(s.Items))
	var sums [5]decimal.Decimal
	for i, l := range v.Lines {
		require.Equal(t, s.Items[i].Line, l.Line)
		for f, x := range []decimal.Decimal{l.InvoiceValue, l.FOBValue, l.Freight, l.Insurance, l.CustomsValue} {
			inUnit(fmt.Sprintf("line %d figure %d", l.Line, f), x)
			sums[f] = sums[f].Add(x)
		}
	}
	for f, total := range []decimal.Decimal{v.InvoiceValue, v.FOBValue, v.Freight, v.Insurance, v.CustomsValue} {
		inUnit(fmt.Sprintf("total %d", f), total)
		require.True(t, sums[f].Equal(total), "figure %d: the lines sum to %s, the total is %s", f, sums[f], total)
	}
	for _, c := range []struct {
		name      string
		got, from decimal.Decimal
	}{
		{"freight", v.Freight, s.Charges.Freight}, {"insurance", v.Insurance, s.Charges.Insurance},
		{"destination handling", v.DestinationHandling, s.Charges.DestinationHandling},
		{"destination inland", v.DestinationInland, s.Charges.DestinationInland},
	} {
		inUnit(c.name, c.got)
		require.True(t, c.got.Equal(convert(c.from)), "%s %s, want %s (%s converted once)", c.name, c.got, convert(c.from), c.from)
	}

	// The exact line values. What the price includes, by Incoterm (ICC
	// Incoterms 2020, A9/B9), written out again rather than read from
	// priceIncludes.
	ch := s.Charges
	var toFOB *big.Rat
	switch s.Incoterm {
	case iorules.EXW:
		toFOB = ch.OriginInland.Rat()
	case iorules.FCA, iorules.FAS, iorules.FOB:
		toFOB = new(big.Rat)
	case iorules.CPT, iorules.CFR:
		toFOB = ch.Freight.Neg().Rat()
	case iorules.CIP, iorules.CIF:
		toFOB = ch.Freight.Add(ch.Insurance).Neg().Rat()
	case iorules.DAP:
		toFOB = ch.Freight.Add(ch.Insurance).Add(ch.DestinationInland).Neg().Rat()
	case iorules.DPU, iorules.DDP:
		toFOB = ch.Freight.Add(ch.Insurance).Add(ch.DestinationInland).Add(ch.DestinationHandling).Neg().Rat()
	default:
		t.Fatalf("incoterm %q", s.Incoterm)
	}
	toCustoms := new(big.Rat).Set(toFOB)
	if basis == CIF {
		toCustoms.Add(toCustoms, ch.Freight.Add(ch.Insurance).Rat())
	}
	invoice := new(big.Rat)
	for _, it := range s.Items {
		invoice.Add(invoice, it.Value().Rat())
	}
	rate := v.ExchangeRate.Rat()
	unit := new(big.Rat).SetFrac(big.NewInt(1), pow10Big(places))

	for i, l := range v.Lines {
		w := s.Items[i].Value()
		require.True(t, l.InvoiceValue.Equal(convert(w)), "line %d invoice value %s, want %s × %s rounded once",
			l.Line, l.InvoiceValue, w, v.ExchangeRate)
		share := new(big.Rat).SetFrac64(1, int64(len(s.Items)))
		if invoice.Sign() != 0 {
			share.Quo(w.Rat(), invoice)
		}
		exactly := func(x *big.Rat) decimal.Decimal {
			y := new(big.Rat).Mul(x, share)
			y.Add(y, w.Rat())
			return roundRat(y.Mul(y, rate), places)
		}
		want := exactly(toFOB)
		require.True(t, l.FOBValue.Equal(want), "line %d FOB value %s, want %s", l.Line, l.FOBValue, want)
		want = exactly(toCustoms)
		require.True(t, l.CustomsValue.Equal(want), "line %d customs value %s, want %s", l.Line, l.CustomsValue, want)
		if s.Incoterm == iorules.CIF && basis == CIF {
			require.True(t, l.CustomsValue.Equal(convert(w)), "line %d of a CIF sale: customs value %s, want %s × %s rounded once",
				l.Line, l.CustomsValue, w, v.ExchangeRate)
		}
		for _, c := range []struct {
			name       string
			got, total decimal.Decimal
		}{{"freight", l.Freight, v.Freight}, {"insurance", l.Insurance, v.Insurance}} {
			off := new(big.Rat).Sub(c.got.Rat(), new(big.Rat).Mul(c.total.Rat(), share))
			require.True(t, off.Abs(off).Cmp(unit) < 0, "line %d %s %s is not its share of %s", l.Line, c.name, c.got, c.total)
		}
	}
}

// roundRat rounds x to places decimal places, half away from zero.
func roundRat(x *big.Rat, places int32) decimal.Decimal {
	scaled := new(big.Rat).Mul(x, new(big.Rat).SetInt(pow10Big(places)))
	num := new(big.Int).Abs(scaled.Num())
	q, r := new(big.Int).QuoRem(num, scaled.Denom(), new(big.Int))
	if r.Lsh(r, 1).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -places)
}

// pow10Big returns 10^n.
func pow10Big(n int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

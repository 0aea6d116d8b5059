package valuation

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func ds(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = d(s)
	}
	return out
}

var decimalCmp = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// line is a shorthand for an item: quantity and unit value.
type line struct {
	qty  int
	unit string
}

// shipment builds a shipment to dest of the given lines in currency cur.
// rate is dest-currency units per cur ("" for none).
func shipment(dest iorules.Country, cur iorules.Currency, rate string, term iorules.Incoterm, ch iorules.Charges, lines ...line) iorules.Shipment {
	s := iorules.Shipment{
		ID: "T", Date: iorules.NewDate(2026, 11, 25), Origin: "US", Destination: dest,
		Incoterm: term, TransportMode: iorules.TransportAir, Currency: cur, Charges: ch,
	}
	if rate != "" {
		s.ExchangeRates = map[iorules.Currency]decimal.Decimal{cur: d(rate)}
	}
	for i, l := range lines {
		s.Items = append(s.Items, iorules.Item{Line: i + 1, Quantity: l.qty, UnitValue: d(l.unit)})
	}
	return s
}

func charges(originInland, freight, insurance, destHandling, destInland string) iorules.Charges {
	return iorules.Charges{
		OriginInland: d(originInland), Freight: d(freight), Insurance: d(insurance),
		DestinationHandling: d(destHandling), DestinationInland: d(destInland),
	}
}

// TestValueIncoterms values the same invoice price of 2000.00 under every
// incoterm, with the same charges, in the destination currency (rate 1).
func TestValueIncoterms(t *testing.T) {
	ch := charges("50", "300", "20", "40", "60")
	tests := []struct {
		term     iorules.Incoterm
		fob, cif string
	}{
		{iorules.EXW, "2050.00", "2370.00"}, // + origin inland
		{iorules.FCA, "2000.00", "2320.00"},
		{iorules.FAS, "2000.00", "2320.00"},
		{iorules.FOB, "2000.00", "2320.00"},
		{iorules.CPT, "1700.00", "2020.00"}, // − freight
		{iorules.CFR, "1700.00", "2020.00"},
		{iorules.CIP, "1680.00", "2000.00"}, // − freight − insurance
		{iorules.CIF, "1680.00", "2000.00"},
		{iorules.DAP, "1620.00", "1940.00"}, // − freight − insurance − destination inland
		{iorules.DPU, "1580.00", "1900.00"}, // − everything after the export port
		{iorules.DDP, "1580.00", "1900.00"},
	}
	require.Len(t, tests, len(iorules.Incoterms()))
	for _, tt := range tests {
		t.Run(string(tt.term), func(t *testing.T) {
			s := shipment("BR", "BRL", "", tt.term, ch, line{1, "2000.00"})
			v, err := Value(s, CIF, "BRL")
			require.NoError(t, err)
			require.Equal(t, tt.fob, v.FOBValue.StringFixed(2))
			require.Equal(t, tt.cif, v.CustomsValue.StringFixed(2))
			require.Equal(t, "300.00", v.Freight.StringFixed(2), "freight is reported in full whatever the incoterm")
			require.Equal(t, "20.00", v.Insurance.StringFixed(2))
			require.Equal(t, "40.00", v.DestinationHandling.StringFixed(2))
			require.Equal(t, "60.00", v.DestinationInland.StringFixed(2))

			f, err := Value(s, FOB, "BRL")
			require.NoError(t, err)
			require.Equal(t, tt.fob, f.CustomsValue.StringFixed(2), "FOB basis")

			if tt.term == iorules.DDP {
				require.Len(t, v.Reasons, 1)
				require.Equal(t, "ddp_price_includes_duties", v.Reasons[0].Code)
				require.Equal(t, iorules.SeverityCondition, v.Reasons[0].Severity)
				require.NotEmpty(t, v.Reasons[0].Source)
				require.NotEmpty(t, v.Reasons[0].Unblock)
			} else {
				require.Empty(t, v.Reasons)
			}
		})
	}
}

// TestValueNothingCountedTwice prices the same goods (1000.00 at the
// factory) under every incoterm, the seller adding exactly the charges the
// term makes it pay: the customs value must not change.
func TestValueNothingCountedTwice(t *testing.T) {
	amounts := map[string]decimal.Decimal{
		"origin_inland": d("50"), "freight": d("300.25"), "insurance": d("20.10"),
		"destination_handling": d("40"), "destination_inland": d("60"),
	}
	sellerPays := map[iorules.Incoterm][]string{
		iorules.EXW: nil,
		iorules.FCA: {"origin_inland"}, iorules.FAS: {"origin_inland"}, iorules.FOB: {"origin_inland"},
		iorules.CPT: {"origin_inland", "freight"}, iorules.CFR: {"origin_inland", "freight"},
		iorules.CIP: {"origin_inland", "freight", "insurance"}, iorules.CIF: {"origin_inland", "freight", "insurance"},
		iorules.DAP: {"origin_inland", "freight", "insurance", "destination_inland"},
		iorules.DPU: {"origin_inland", "freight", "insurance", "destination_handling", "destination_inland"},
		iorules.DDP: {"origin_inland", "freight", "insurance", "destination_handling", "destination_inland"},
	}
	ch := charges("50", "300.25", "20.10", "40", "60")
	for _, term := range iorules.Incoterms() {
		t.Run(string(term), func(t *testing.T) {
			price := d("1000")
			for _, c := range sellerPays[term] {
				price = price.Add(amounts[c])
			}
			s := shipment("BR", "USD", "5.4321", term, ch, line{1, price.String()})
			v, err := Value(s, CIF, "BRL")
			require.NoError(t, err)
			// (1000 + 50 + 300.25 + 20.10) × 5.4321 = 7443.878235
			require.Equal(t, "7443.88", v.CustomsValue.StringFixed(2))
			// (1000 + 50) × 5.4321 = 5703.705
			require.Equal(t, "5703.71", v.FOBValue.StringFixed(2))
		})
	}
}

// TestValueBrazilWorkedExamples checks the customs value (VA) of the worked
// examples 1 and 3 of Brazil's import-tax chain (the same figures as the br
// policy cases), to the centavo.
func TestValueBrazilWorkedExamples(t *testing.T) {
	t.Run("example 1", func(t *testing.T) {
		s := shipment("BR", "USD", "5.4321", iorules.FOB, charges("0", "3000", "500", "0", "0"), line{1, "100000"})
		v, err := Value(s, CIF, "BRL")
		require.NoError(t, err)
		require.Equal(t, "562222.35", v.CustomsValue.StringFixed(2))
		require.Equal(t, "543210.00", v.FOBValue.StringFixed(2))
		require.Equal(t, "16296.30", v.Freight.StringFixed(2))
		require.Equal(t, "2716.05", v.Insurance.StringFixed(2))
	})
	t.Run("example 3", func(t *testing.T) {
		s := shipment("BR", "USD", "5.4321", iorules.FOB, charges("0", "6000", "1000", "0", "0"),
			line{1, "220000"}, line{1, "30000"})
		v, err := Value(s, CIF, "BRL")
		require.NoError(t, err)
		want := []Line{
			// freight 5,280.00 / 720.00 and insurance 880.00 / 120.00 USD
			{Line: 1, InvoiceValue: d("1195062.00"), FOBValue: d("1195062.00"), Freight: d("28681.49"),
				Insurance: d("4780.25"), CustomsValue: d("1228523.74")},
			{Line: 2, InvoiceValue: d("162963.00"), FOBValue: d("162963.00"), Freight: d("3911.11"),
				Insurance: d("651.85"), CustomsValue: d("167525.96")},
		}
		require.Empty(t, cmp.Diff(want, v.Lines, decimalCmp))
		require.Equal(t, "1396049.70", v.CustomsValue.StringFixed(2))
	})
}

func TestValueCurrencies(t *testing.T) {
	t.Run("into a currency without minor units (VND)", func(t *testing.T) {
		s := shipment("VN", "USD", "26345.5", iorules.FOB, charges("0", "10", "1", "0", "0"),
			line{1, "100"}, line{2, "100"}, line{3, "100"})
		v, err := Value(s, CIF, "VND")
		require.NoError(t, err)
		// Each line is (value + 11 × value / 600) × 26345.5 rounded once:
		// 101.833... × 26345.5 = 2682850.08. Freight (263455) and insurance
		// (26345.5 → 26346) are converted once and split 1:2:3 in dong.
		want := []Line{
			{Line: 1, InvoiceValue: d("2634550"), FOBValue: d("2634550"), Freight: d("43909"), Insurance: d("4391"), CustomsValue: d("2682850")},
			{Line: 2, InvoiceValue: d("5269100"), FOBValue: d("5269100"), Freight: d("87818"), Insurance: d("8782"), CustomsValue: d("5365700")},
			{Line: 3, InvoiceValue: d("7903650"), FOBValue: d("7903650"), Freight: d("131728"), Insurance: d("13173"), CustomsValue: d("8048550")},
		}
		require.Empty(t, cmp.Diff(want, v.Lines, decimalCmp))
		require.Equal(t, "16097100", v.CustomsValue.String())
		require.Equal(t, "263455", v.Freight.String(), "10 × rate converted once and split in dong")

		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.Contains(t, string(b), `"customs_value":"16097100"`)
	})
	t.Run("from a currency without minor units (JPY)", func(t *testing.T) {
		s := shipment("BR", "JPY", "0.0352", iorules.FOB, charges("0", "1000", "0", "0", "0"),
			line{1, "10000"}, line{1, "10000"}, line{1, "10000"})
		v, err := Value(s, CIF, "BRL")
		require.NoError(t, err)
		got := make([]string, len(v.Lines))
		for i, l := range v.Lines {
			got[i] = l.CustomsValue.StringFixed(2)
		}
		// each line (10000 + 1000 / 3) × 0.0352 = 363.7333... rounded once
		require.Equal(t, []string{"363.73", "363.73", "363.73"}, got)
		require.Equal(t, "1091.19", v.CustomsValue.StringFixed(2), "the sum of the lines")
	})
	t.Run("same currency needs no rate", func(t *testing.T) {
		s := shipment("BR", "BRL", "", iorules.CIF, charges("0", "100", "10", "0", "0"), line{2, "500.005"})
		v, err := Value(s, CIF, "BRL")
		require.NoError(t, err)
		require.Equal(t, "1", v.ExchangeRate.String())
		require.Equal(t, "1000.01", v.CustomsValue.StringFixed(2), "1000.01 rounded half away from zero")
		require.Equal(t, "890.01", v.FOBValue.StringFixed(2))
	})
	t.Run("charges finer than the minor unit", func(t *testing.T) {
		s := shipment("BR", "USD", "5", iorules.FOB, charges("0", "0.005", "0", "0", "0"), line{1, "1"}, line{1, "1"})
		v, err := Value(s, CIF, "BRL")
		require.NoError(t, err)
		require.Equal(t, "10.02", v.CustomsValue.StringFixed(2), "each line 1.0025 × 5 = 5.0125 rounded once → 5.01 + 5.01")
	})
}

func TestValueErrors(t *testing.T) {
	ok := func() iorules.Shipment {
		return shipment("BR", "USD", "5.4321", iorules.FOB, charges("0", "10", "1", "0", "0"), line{1, "100"})
	}
	t.Run("missing rate", func(t *testing.T) {
		s := ok()
		s.ExchangeRates = nil
		_, err := Value(s, CIF, "BRL")
		var missing *MissingRateError
		require.ErrorAs(t, err, &missing)
		require.Equal(t, MissingRateError{From: "USD", To: "BRL"}, *missing)
		require.EqualError(t, err, "valuation: no exchange rate of USD in BRL (exchange_rates.USD)")
	})
	t.Run("valued for another market", func(t *testing.T) {
		_, err := Value(ok(), CIF, "TRY")
		var missing *MissingRateError
		require.ErrorAs(t, err, &missing)
		require.Equal(t, MissingRateError{From: "USD", To: "TRY"}, *missing)
	})
	tests := []struct {
		name   string
		mutate func(*iorules.Shipment)
		basis  Basis
		dest   iorules.Currency
		want   string
	}{
		{"unknown basis", nil, "CIP", "BRL", `valuation: unknown basis "CIP" (want CIF or FOB)`},
		{"unknown destination currency", nil, CIF, "XXX", `valuation: unknown destination currency "XXX"`},
		{"unknown shipment currency", func(s *iorules.Shipment) { s.Currency = "" }, CIF, "BRL", `valuation: unknown shipment currency ""`},
		{"unknown incoterm", func(s *iorules.Shipment) { s.Incoterm = "FOX" }, CIF, "BRL", `valuation: unknown incoterm "FOX"`},
		{"no items", func(s *iorules.Shipment) { s.Items = nil }, CIF, "BRL", "valuation: shipment has no items"},
		{"rate zero", func(s *iorules.Shipment) { s.ExchangeRates["USD"] = decimal.Zero }, CIF, "BRL",
			"valuation: the exchange rate of USD in BRL must be greater than 0, not 0"},
		{"charges exceed a CIF price", func(s *iorules.Shipment) { s.Incoterm = iorules.CIF; s.Charges.Freight = d("200") }, CIF, "BRL",
			"charges: the CIF invoice value 100 USD does not cover the charges its price includes (the FOB value would not be positive)"},
		{"negative unit value", func(s *iorules.Shipment) {
			s.Items = append(s.Items, iorules.Item{Line: 2, Quantity: 1, UnitValue: d("-1")})
		}, CIF, "BRL", "items[1].unit_value: the line value -1 USD is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok()
			if tt.mutate != nil {
				tt.mutate(&s)
			}
			_, err := Value(s, tt.basis, tt.dest)
			require.EqualError(t, err, tt.want)
		})
	}
}

func TestValuationJSON(t *testing.T) {
	s := shipment("BR", "USD", "5.4321", iorules.DDP, charges("0", "3000", "500", "0", "0"), line{1, "103500"})
	v, err := Value(s, CIF, "BRL")
	require.NoError(t, err)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"basis": "CIF", "currency": "BRL", "source_currency": "USD", "exchange_rate": "5.4321",
		"invoice_value": "562222.35", "fob_value": "543210.00", "freight": "16296.30",
		"insurance": "2716.05", "customs_value": "562222.35",
		"destination_handling": "0.00", "destination_inland": "0.00",
		"lines": [{"line": 1, "invoice_value": "562222.35", "fob_value": "543210.00",
		           "freight": "16296.30", "insurance": "2716.05", "customs_value": "562222.35"}]
	}`, string(b), "reasons are not part of the JSON form")

	var back Valuation
	require.NoError(t, json.Unmarshal(b, &back))
	v.Reasons = nil
	require.Empty(t, cmp.Diff(v, back, decimalCmp))
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights []string
		places  int32
		want    []string
	}{
		{"three equal lines", "100.00", []string{"1", "1", "1"}, 2, []string{"33.34", "33.33", "33.33"}},
		{"ties go to the lower index", "0.02", []string{"5", "5", "5"}, 2, []string{"0.01", "0.01", "0"}},
		{"largest remainder wins", "10", []string{"1", "2", "3"}, 0, []string{"2", "3", "5"}},
		{"largest remainder, not the largest weight", "1.00", []string{"0.7", "0.15", "0.15"}, 1, []string{"0.7", "0.2", "0.1"}},
		{"exact shares", "6000", []string{"220000", "30000"}, 2, []string{"5280", "720"}},
		{"zero weights split equally", "100.00", []string{"0", "0", "0"}, 2, []string{"33.34", "33.33", "33.33"}},
		{"zero weight gets nothing", "1.00", []string{"0", "3"}, 2, []string{"0", "1"}},
		{"negative total", "-100.00", []string{"1", "1", "1"}, 2, []string{"-33.34", "-33.33", "-33.33"}},
		{"zero total", "0", []string{"1", "2"}, 2, []string{"0", "0"}},
		{"one weight", "12.345", []string{"7"}, 3, []string{"12.345"}},
		{"fractional weights", "1", []string{"0.0001", "0.0002"}, 2, []string{"0.33", "0.67"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Allocate(d(tt.total), ds(tt.weights...), tt.places)
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(ds(tt.want...), got, decimalCmp))
		})
	}

	errs := []struct {
		name    string
		total   string
		weights []string
		places  int32
		want    string
	}{
		{"no weights", "1", nil, 2, "valuation: allocate: no weights"},
		{"negative weight", "1", []string{"1", "-1"}, 2, "valuation: allocate: weight 1 is negative (-1)"},
		{"too precise total", "1.005", []string{"1"}, 2, "valuation: allocate: total 1.005 has more than 2 decimal places"},
		{"negative places", "100", []string{"1"}, -1, "valuation: allocate: negative places -1"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Allocate(d(tt.total), ds(tt.weights...), tt.places)
			require.EqualError(t, err, tt.want)
		})
	}
}

// TestAllocateProperties checks on random inputs that the shares sum
// exactly to the total and each is within one unit of its exact pro rata
// amount.
func TestAllocateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		places := int32(r.IntN(4))
		total := decimal.New(r.Int64N(10_000_000)-1_000_000, -places)
		weights := make([]decimal.Decimal, 1+r.IntN(20))
		sum := decimal.Zero
		for i := range weights {
			weights[i] = decimal.New(r.Int64N(1_000_000), -int32(r.IntN(5)))
			sum = sum.Add(weights[i])
		}
		shares, err := Allocate(total, weights, places)
		require.NoError(t, err)
		got := decimal.Zero
		unit := decimal.New(1, -places)
		for i, s := range shares {
			got = got.Add(s)
			require.LessOrEqual(t, -s.Exponent(), places)
			if sum.IsZero() {
				continue
			}
			exact := total.Mul(weights[i]).DivRound(sum, places+10)
			require.True(t, s.Sub(exact).Abs().LessThan(unit), "share %s vs exact %s", s, exact)
		}
		require.True(t, got.Equal(total), "sum %s, total %s", got, total)
	}
}

// TestValueProperties values random shipments and checks that the totals
// are the sums of the lines, that every amount has the destination
// currency's places, and that the customs value is within rounding of the
// whole shipment's CIF value converted at once.
func TestValueProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	markets := []struct {
		country  iorules.Country
		currency iorules.Currency
	}{{"BR", "BRL"}, {"VN", "VND"}, {"KW", "KWD"}, {"TR", "TRY"}}
	sources := []iorules.Currency{"USD", "EUR", "JPY", "KWD", "BRL"}
	money := func(cur iorules.Currency, maxUnits int64) decimal.Decimal {
		return decimal.New(r.Int64N(maxUnits), -cur.MinorUnits())
	}

	for n := range 500 {
		m := markets[r.IntN(len(markets))]
		cur := sources[r.IntN(len(sources))]
		rate := ""
		if cur != m.currency {
			rate = decimal.New(1+r.Int64N(100_000_000), -int32(r.IntN(7))).String()
		}
		term := iorules.Incoterms()[r.IntN(len(iorules.Incoterms()))]
		ch := iorules.Charges{
			OriginInland: money(cur, 10_000), Freight: money(cur, 100_000), Insurance: money(cur, 10_000),
			DestinationHandling: money(cur, 10_000), DestinationInland: money(cur, 10_000),
		}
		var lines []line
		for range 1 + r.IntN(30) {
			unit := decimal.New(100_000_000+r.Int64N(1_000_000_000), -cur.MinorUnits()-int32(r.IntN(3)))
			lines = append(lines, line{1 + r.IntN(50), unit.String()})
		}
		s := shipment(m.country, cur, rate, term, ch, lines...)
		basis := []Basis{CIF, FOB}[r.IntN(2)]

		t.Run(fmt.Sprint(n), func(t *testing.T) {
			v, err := Value(s, basis, m.currency)
			require.NoError(t, err)
			sums := [5]decimal.Decimal{}
			for _, l := range v.Lines {
				for i, x := range []decimal.Decimal{l.InvoiceValue, l.FOBValue, l.Freight, l.Insurance, l.CustomsValue} {
					require.LessOrEqual(t, -x.Exponent(), m.currency.MinorUnits(), "rounded to the minor unit")
					sums[i] = sums[i].Add(x)
				}
			}
			totals := []decimal.Decimal{v.InvoiceValue, v.FOBValue, v.Freight, v.Insurance, v.CustomsValue}
			for i := range totals {
				require.True(t, sums[i].Equal(totals[i]), "field %d: lines sum to %s, total %s", i, sums[i], totals[i])
			}

			// An independent FOB: what the seller's price includes, per term.
			fob := s.InvoiceValue()
			switch term {
			case iorules.EXW:
				fob = fob.Add(ch.OriginInland)
			case iorules.CPT, iorules.CFR:
				fob = fob.Sub(ch.Freight)
			case iorules.CIP, iorules.CIF:
				fob = fob.Sub(ch.Freight).Sub(ch.Insurance)
			case iorules.DAP:
				fob = fob.Sub(ch.Freight).Sub(ch.Insurance).Sub(ch.DestinationInland)
			case iorules.DPU, iorules.DDP:
				fob = fob.Sub(ch.Freight).Sub(ch.Insurance).Sub(ch.DestinationHandling).Sub(ch.DestinationInland)
			}
			customs := fob
			if basis == CIF {
				customs = fob.Add(ch.Freight).Add(ch.Insurance)
			}
			whole := customs.Mul(v.ExchangeRate)
			// Each line is off by at most half a minor unit from its exact value.
			slack := decimal.New(int64(len(s.Items)), -m.currency.MinorUnits()).Div(decimal.NewFromInt(2))
			require.True(t, v.CustomsValue.Sub(whole).Abs().LessThanOrEqual(slack),
				"customs value %s, whole shipment %s, slack %s", v.CustomsValue, whole, slack)
		})
	}
}

func TestMissingRateErrorIsComparable(t *testing.T) {
	err := error(&MissingRateError{From: "EUR", To: "BRL"})
	var target *MissingRateError
	require.True(t, errors.As(fmt.Errorf("wrapped: %w", err), &target))
	require.Equal(t, iorules.Currency("EUR"), target.From)
}

package markets_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// handwrittenBrazil computes Brazil's import tax chain in plain Go with the
// policy's 2026 figures for the NCMs policytest.SampleShipment uses, to São Paulo: the
// floor the CEL policy is measured against, and a second implementation
// the policy is checked against (TestHandwrittenMatchesPolicy).
//
// It does the same valuation, grouping into additions, per-addition
// rounding and line split as the engine, and nothing else (no validation,
// rules, classification or export controls).
func handwrittenBrazil(s iorules.Shipment) (map[string]decimal.Decimal, error) {
	d := decimal.RequireFromString
	ii := map[string]decimal.Decimal{"847150": d("0.16"), "851762": d("0.16"), "850440": d("0.14"), "854442": d("0.16")}
	ipi := map[string]decimal.Decimal{"847150": d("0.0975"), "851762": d("0.15"), "850440": d("0.0975"), "854442": d("0.0975")}
	pis, cofins, addon8471 := d("0.021"), d("0.0965"), d("0.006")
	icms, one := d("0.18"), decimal.NewFromInt(1)
	cbs, ibs := d("0.009"), d("0.001")

	val, err := valuation.Value(s, valuation.CIF, "BRL")
	if err != nil {
		return nil, err
	}
	type addition struct {
		hs6, ncm string
		ex       bool // II at the Ex-tarifário 044 rate, 0
		cv       decimal.Decimal
		lines    []int
	}
	var adds []*addition
	index := map[string]*addition{}
	for i, it := range s.Items {
		key := it.HSCode.Digits() + "|" + string(it.CountryOfOrigin) + "|" + it.TariffExemption + "|" + string(it.Condition)
		a, ok := index[key]
		if !ok {
			a = &addition{hs6: it.HSCode.HS6(), ncm: it.HSCode.Digits(),
				ex: it.HSCode.Digits() == "84715010" && it.TariffExemption == "044" && it.Condition == iorules.ConditionNew}
			index[key] = a
			adds = append(adds, a)
		}
		a.cv = a.cv.Add(val.Lines[i].CustomsValue)
		a.lines = append(a.lines, i)
	}
	weights := make([]decimal.Decimal, len(adds))
	for i, a := range adds {
		weights[i] = a.cv
	}
	fee := d("115.67")
	tiers := []struct {
		from, to int
		amount   decimal.Decimal
	}{{1, 2, d("38.56")}, {3, 5, d("30.85")}, {6, 10, d("23.14")}, {11, 20, d("15.42")}, {21, 50, d("7.71")}, {51, 1 << 30, d("3.86")}}
	for n := 1; n <= len(adds); n++ {
		for _, t := range tiers {
			if n >= t.from && n <= t.to {
				fee = fee.Add(t.amount)
			}
		}
	}
	feeShares, err := valuation.Allocate(fee, weights, 2)
	if err != nil {
		return nil, err
	}
	afrmm := decimal.Zero
	if s.TransportMode == iorules.TransportSea {
		afrmm = val.Freight.Mul(d("0.08")).Round(2)
	}
	afrmmShares, err := valuation.Allocate(afrmm, weights, 2)
	if err != nil {
		return nil, err
	}
	totals := map[string]decimal.Decimal{}
	for i, a := range adds {
		r := func(x decimal.Decimal) decimal.Decimal { return x.Round(2) }
		cofinsRate := cofins
		if strings.HasPrefix(a.ncm, "8471") {
			cofinsRate = cofinsRate.Add(addon8471)
		}
		iiRate := ii[a.hs6]
		if a.ex {
			iiRate = decimal.Zero
		}
		taxII := r(a.cv.Mul(iiRate))
		taxIPI := r(a.cv.Add(taxII).Mul(ipi[a.hs6]))
		taxPIS := r(a.cv.Mul(pis))
		taxCOFINS := r(a.cv.Mul(cofinsRate))
		base := a.cv.Add(taxII).Add(taxIPI).Add(taxPIS).Add(taxCOFINS).Add(feeShares[i]).Add(afrmmShares[i]).DivRound(one.Sub(icms), 2)
		taxICMS := r(base.Mul(icms))
		ibsBase := a.cv.Add(taxII).Add(feeShares[i]).Add(afrmmShares[i]) // LC 214/2025 art. 69: no IPI
		for id, amount := range map[string]decimal.Decimal{
			"br.ii": taxII, "br.ipi": taxIPI, "br.pis": taxPIS, "br.cofins": taxCOFINS,
			"br.siscomex": feeShares[i], "br.afrmm": afrmmShares[i], "br.icms": taxICMS,
			"br.cbs": r(ibsBase.Mul(cbs)), "br.ibs": r(ibsBase.Mul(ibs)),
		} {
			totals[id] = totals[id].Add(amount)
		}
		// The engine also splits each addition's amounts over its lines.
		lineCV := make([]decimal.Decimal, len(a.lines))
		for j, li := range a.lines {
			lineCV[j] = val.Lines[li].CustomsValue
		}
		for _, amount := range []decimal.Decimal{taxII, taxIPI, taxPIS, taxCOFINS, feeShares[i], afrmmShares[i], taxICMS} {
			if _, err := valuation.Allocate(amount, lineCV, 2); err != nil {
				return nil, err
			}
		}
	}
	// Mercosur's preference needs AR, PY or UY origin and its certificate;
	// the policy lists what it would save, zero here.
	totals["br.ii_mercosur_saving"] = decimal.Zero
	return totals, nil
}

// TestHandwrittenMatchesPolicy is a differential test: for random shipments
// the CEL policy and the hand-written chain must agree to the centavo.
func TestHandwrittenMatchesPolicy(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(7, 2026))
	for n := range 200 {
		s := randomBrazil(r)
		s.DestinationSubdivision = "BR-SP"
		for i := range s.Items {
			s.Items[i].HSCode = iorules.HSCode([]string{"84715010", "85176259", "85044040", "85444200"}[r.IntN(4)])
		}
		want, err := handwrittenBrazil(s)
		require.NoError(t, err)
		d, err := engine.Prequalify(s)
		require.NoError(t, err)
		require.Len(t, d.Taxes, len(want), "shipment %d", n)
		for _, tx := range d.Taxes {
			require.True(t, want[tx.ID].Equal(tx.Amount), "shipment %d %s: hand-written %s, policy %s", n, tx.ID, want[tx.ID], tx.Amount)
		}
	}
}

func BenchmarkHandwritten(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		s := policytest.SampleShipment("BR", n)
		b.Run(fmt.Sprintf("BR/lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := handwrittenBrazil(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBrazilAgainstFloor measures the engine against the hand-written
// floor in one loop, alternating the two on each iteration, and reports
// their ratio (x-floor): on a machine whose speed drifts between runs,
// the two are then timed under the same conditions, which separate runs
// of BenchmarkPrequalify and BenchmarkHandwritten are not.
func BenchmarkBrazilAgainstFloor(b *testing.B) {
	engine, err := markets.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10, 1000} {
		s := policytest.SampleShipment("BR", n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var engineTime, floorTime time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := engine.Prequalify(s); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := handwrittenBrazil(s); err != nil {
					b.Fatal(err)
				}
				engineTime += mid.Sub(start)
				floorTime += time.Since(mid)
			}
			b.ReportMetric(float64(engineTime.Nanoseconds())/float64(b.N), "engine-ns/op")
			b.ReportMetric(float64(floorTime.Nanoseconds())/float64(b.N), "floor-ns/op")
			b.ReportMetric(float64(engineTime)/float64(floorTime), "x-floor")
		})
	}
}

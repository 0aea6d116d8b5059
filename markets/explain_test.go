package markets_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// TestExplanationTracesTaxesAndRules (issue 19): with WithExplanation a
// decision carries, as data, how each tax of each group came about (terms
// of the base with their values, the rate and the row it came from, the
// rounding) and why each rule fired or did not; without it, nothing.
func TestExplanationTracesTaxesAndRules(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	s := exampleShipment(t, "br-servers-sp.json")
	plain, err := engine.Prequalify(s)
	require.NoError(t, err)
	require.Nil(t, plain.Explanation)

	d, err := engine.Prequalify(s, markets.WithExplanation())
	require.NoError(t, err)
	e := d.Explanation
	require.NotNil(t, e)
	require.Equal(t, "5.387", e.ExchangeRate.String())

	// The explanation changes nothing else.
	d.Explanation = nil
	a, _ := json.Marshal(plain)
	b, _ := json.Marshal(d)
	require.JSONEq(t, string(a), string(b))

	i := slices.IndexFunc(e.Taxes, func(x markets.TaxExplanation) bool { return x.Tax == "br.icms" && x.Group == 1 })
	require.GreaterOrEqual(t, i, 0)
	icms := e.Taxes[i]
	require.True(t, icms.Applies)
	require.Equal(t, "0.18", icms.Rate.String())
	require.Equal(t, "half up to 2 places (BRL)", icms.Rounding)
	require.Len(t, icms.Rows, 1)
	require.Equal(t, markets.RowUse{Table: "icms_rate", Key: "BR-SP", Value: icms.Rows[0].Value, EffectiveFrom: icms.Rows[0].EffectiveFrom,
		EffectiveTo: icms.Rows[0].EffectiveTo, Source: icms.Rows[0].Source, Confidence: icms.Rows[0].Confidence}, icms.Rows[0])
	require.GreaterOrEqual(t, len(icms.BaseTerms), 5, "the por dentro base lists what it adds up")
	require.Equal(t, "line.customs_value", icms.BaseTerms[0].Expr)
	require.Equal(t, plain.Lines[0].CustomsValue.Add(plain.Lines[1].CustomsValue).String(), icms.BaseTerms[0].Value)
	require.True(t, icms.Amount.Equal(plain.Taxes[slices.IndexFunc(plain.Taxes, func(t markets.Tax) bool { return t.ID == "br.icms" })].Amount))

	r := slices.IndexFunc(e.Rules, func(x markets.RuleExplanation) bool { return x.Rule == "br.anatel" })
	require.GreaterOrEqual(t, r, 0)
	require.False(t, e.Rules[r].Fired)
	require.Equal(t, "its condition held on no line", e.Rules[r].Why)
	require.NotEmpty(t, e.Rules[r].Conditions)
}

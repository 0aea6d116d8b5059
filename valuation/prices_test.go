package valuation

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// pricedShipment is a BR shipment in USD at 5.0000 BRL/USD (EUR at 6.0000):
// line 1 servers at 6000.00, line 2 switches at 1000.00.
func pricedShipment() iorules.Shipment {
	s := shipment("BR", "USD", "5.0000", iorules.FOB, charges("0", "0", "0", "0", "0"),
		line{2, "6000.00"}, line{5, "1000.00"})
	s.ExchangeRates["EUR"] = d("6.0000")
	s.Items[0].HSCode, s.Items[0].Category = iorules.MustParseHSCode("8471.50.10"), iorules.CategoryServer
	s.Items[1].HSCode, s.Items[1].Category = iorules.MustParseHSCode("8517.62.59"), iorules.CategorySwitch
	return s
}

func ref(hs6 string, c iorules.Category, cur iorules.Currency, low, high, date string) ReferencePrice {
	return ReferencePrice{HS6: hs6, Category: c, Currency: cur, Low: d(low), High: d(high),
		Source: "test benchmark " + hs6 + string(c), Date: iorules.MustParseDate(date)}
}

type priceFinding struct {
	Code     string
	Severity iorules.Severity
	Lines    []int
}

func TestCheckPrices(t *testing.T) {
	tests := []struct {
		name      string
		related   bool
		refs      []ReferencePrice
		tolerance string
		noValue   bool // the valuation could not be computed
		want      []priceFinding
		message   string // when set, the first reason's message
	}{
		{name: "no references, unrelated", tolerance: "0.2"},
		{name: "within the range", tolerance: "0",
			refs: []ReferencePrice{ref("847150", "", "USD", "5000", "14000", "2026-10-01")}},
		{name: "below low within the tolerance", tolerance: "0.2",
			refs: []ReferencePrice{ref("847150", "", "USD", "7000", "14000", "2026-10-01")}},
		{name: "exactly at the tolerance is not flagged", tolerance: "0.2",
			refs: []ReferencePrice{ref("847150", "", "USD", "7500.00", "14000", "2026-10-01")}},
		{name: "below low beyond the tolerance", tolerance: "0.1",
			refs: []ReferencePrice{ref("847150", "", "USD", "9000", "14000", "2026-10-01")},
			want: []priceFinding{{codeEvidenceNeeded, iorules.SeverityCondition, []int{1}}},
			message: "Line 1: the unit price USD 6000.00 is 33.3% below the low reference price USD 9000.00 for HS 8471.50 " +
				"(range 9000.00 to 14000.00, test benchmark 847150, 2026-10-01; tolerance 10%); customs may doubt that it is the transaction value."},
		{name: "matched by category", tolerance: "0",
			refs: []ReferencePrice{ref("", iorules.CategorySwitch, "USD", "1200", "3000", "2026-10-01")},
			want: []priceFinding{{codeEvidenceNeeded, iorules.SeverityCondition, []int{2}}}},
		{name: "HS-6 wins over category", tolerance: "0",
			refs: []ReferencePrice{
				ref("", iorules.CategorySwitch, "USD", "1200", "3000", "2026-10-01"),
				ref("851762", "", "USD", "800", "3000", "2026-09-01"),
			}},
		{name: "both wins over HS-6", tolerance: "0",
			refs: []ReferencePrice{
				ref("851762", "", "USD", "800", "3000", "2026-10-01"),
				ref("851762", iorules.CategorySwitch, "USD", "1500", "3000", "2026-01-01"),
			},
			want: []priceFinding{{codeEvidenceNeeded, iorules.SeverityCondition, []int{2}}}},
		{name: "the latest of equally specific references", tolerance: "0",
			refs: []ReferencePrice{
				ref("851762", "", "USD", "1500", "3000", "2026-01-01"),
				ref("851762", "", "USD", "900", "3000", "2026-06-01"),
			}},
		{name: "a category that does not match the HS-6 reference", tolerance: "0",
			refs: []ReferencePrice{ref("847150", iorules.CategoryStorage, "USD", "9000", "14000", "2026-10-01")}},
		{name: "reference in the destination currency", tolerance: "0",
			refs: []ReferencePrice{ref("847150", "", "BRL", "31000", "70000", "2026-10-01")},
			want: []priceFinding{{codeEvidenceNeeded, iorules.SeverityCondition, []int{1}}},
			message: "Line 1: the unit price BRL 30000.00 is 3.2% below the low reference price BRL 31000.00 for HS 8471.50 " +
				"(range 31000.00 to 70000.00, test benchmark 847150, 2026-10-01; tolerance 0%, compared in BRL at the shipment's rates); " +
				"customs may doubt that it is the transaction value."},
		{name: "reference in a third currency with a rate", tolerance: "0",
			refs: []ReferencePrice{ref("847150", "", "EUR", "5100", "9000", "2026-10-01")},
			want: []priceFinding{{codeEvidenceNeeded, iorules.SeverityCondition, []int{1}}}},
		{name: "reference in a currency without a rate", tolerance: "0",
			refs: []ReferencePrice{ref("847150", "", "GBP", "5000", "9000", "2026-10-01")},
			want: []priceFinding{{codeRefNotCompared, iorules.SeverityInfo, []int{1}}}},
		{name: "not valued: a reference in the shipment currency still compares", tolerance: "0", noValue: true,
			refs: []ReferencePrice{ref("847150", "", "USD", "9000", "14000", "2026-10-01")},
			want: []priceFinding{{codeEvidenceNeeded, iorules.SeverityCondition, []int{1}}}},
		{name: "not valued: another currency cannot", tolerance: "0", noValue: true,
			refs: []ReferencePrice{ref("847150", "", "BRL", "31000", "70000", "2026-10-01")},
			want: []priceFinding{{codeRefNotCompared, iorules.SeverityInfo, []int{1}}}},
		{name: "related parties", related: true, tolerance: "0",
			want: []priceFinding{{codeRelatedParty, iorules.SeverityCondition, nil}}},
		{name: "related parties and a low price", related: true, tolerance: "0",
			refs: []ReferencePrice{ref("", iorules.CategoryServer, "USD", "6500", "9000", "2026-10-01")},
			want: []priceFinding{{codeRelatedParty, iorules.SeverityCondition, nil}, {codeEvidenceNeeded, iorules.SeverityCondition, []int{1}}}},
		{name: "an invalid reference is reported, the others used", tolerance: "0",
			refs: []ReferencePrice{
				{HS6: "8471", Currency: "USD", Low: d("1"), High: d("2"), Source: "x", Date: iorules.MustParseDate("2026-01-01")},
				ref("847150", "", "USD", "9000", "14000", "2026-10-01"),
			},
			want:    []priceFinding{{codeRefInvalid, iorules.SeverityCondition, nil}, {codeEvidenceNeeded, iorules.SeverityCondition, []int{1}}},
			message: `Reference price 0 is invalid and was not used: hs6: must be six digits such as "847150", not "8471".`},
		{name: "a tolerance of 1 or more is invalid", tolerance: "1",
			refs: []ReferencePrice{ref("847150", "", "USD", "9000", "14000", "2026-10-01")},
			want: []priceFinding{{codeRefInvalid, iorules.SeverityCondition, nil}}},
		{name: "a negative tolerance is invalid", tolerance: "-0.1",
			refs: []ReferencePrice{ref("847150", "", "USD", "9000", "14000", "2026-10-01")},
			want: []priceFinding{{codeRefInvalid, iorules.SeverityCondition, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := pricedShipment()
			s.RelatedParty = tt.related
			var val Valuation
			if !tt.noValue {
				var err error
				val, err = Value(s, CIF, "BRL")
				require.NoError(t, err)
			}
			got := CheckPrices(s, val, tt.refs, d(tt.tolerance))
			var findings []priceFinding
			for _, r := range got {
				findings = append(findings, priceFinding{r.Code, r.Severity, r.Lines})
				require.NotEmpty(t, r.Rule)
				if r.Severity == iorules.SeverityCondition {
					require.NotEmpty(t, r.Unblock)
				}
				if r.Code == codeEvidenceNeeded {
					require.Contains(t, r.Source, "test benchmark", "the reference's source is cited")
				}
			}
			require.Empty(t, cmp.Diff(tt.want, findings))
			if tt.message != "" {
				require.Equal(t, tt.message, got[len(got)-len(tt.want)].Message)
			}
		})
	}
}

func TestReferencePriceValidate(t *testing.T) {
	good := ref("847150", iorules.CategoryServer, "USD", "5000", "9000", "2026-10-01")
	require.NoError(t, good.Validate())
	tests := []struct {
		name   string
		mutate func(r *ReferencePrice)
		want   []string
	}{
		{"nothing to match", func(r *ReferencePrice) { r.HS6, r.Category = "", "" },
			[]string{"hs6: required: an HS-6 subheading, a category, or both"}},
		{"dotted HS-6", func(r *ReferencePrice) { r.HS6 = "8471.50" }, []string{`hs6: must be six digits such as "847150", not "8471.50"`}},
		{"unknown category", func(r *ReferencePrice) { r.Category = "computer" }, []string{`category: unknown category "computer"`}},
		{"unknown currency", func(r *ReferencePrice) { r.Currency = "usd" },
			[]string{`currency: unknown currency code "usd" (want ISO 4217 such as "USD")`}},
		{"zero low", func(r *ReferencePrice) { r.Low = decimal.Zero }, []string{"low: must be greater than 0"}},
		{"high below low", func(r *ReferencePrice) { r.High = d("4999.99") }, []string{"high: must not be less than low (5000)"}},
		{"no source, no date", func(r *ReferencePrice) { r.Source, r.Date = " ", iorules.Date{} },
			[]string{"source: required: where the prices come from", "date: required: when the prices were observed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.mutate(&r)
			err := r.Validate()
			require.Error(t, err)
			var msgs []string
			for _, fe := range iorules.FieldErrors(err) {
				msgs = append(msgs, fe.Error())
			}
			require.Equal(t, tt.want, msgs)
			require.Equal(t, strings.Join(tt.want, "\n"), err.Error())
		})
	}
}

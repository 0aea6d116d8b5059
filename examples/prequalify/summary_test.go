package main

import (
	"testing"

	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestSummaryCountsTaxesNotEntries is the regression test of the summary's
// count: a tax not computed for two causes (two HS codes a table missed)
// has two NotComputed entries but is one tax.
func TestSummaryCountsTaxesNotEntries(t *testing.T) {
	partial := decimal.RequireFromString("10.00")
	d := markets.Decision{
		Valuation:         &valuation.Valuation{Currency: "RSD", CustomsValue: decimal.RequireFromString("1000.00")},
		PartialTotalTaxes: &partial,
		NotComputed: []markets.NotComputed{
			{Tax: "rs.duty", Lines: []int{1}}, {Tax: "rs.duty", Lines: []int{2}},
			{Tax: "rs.vat", Lines: []int{1}}, {Tax: "rs.vat", Lines: []int{2}},
		},
	}
	require.Contains(t, moneySummary(d), "(partial: 2 taxes not computed for some lines)")
	d.NotComputed = d.NotComputed[:2]
	require.Contains(t, moneySummary(d), "(partial: 1 tax not computed for some lines)")
}

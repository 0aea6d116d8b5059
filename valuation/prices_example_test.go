package valuation_test

import (
	"fmt"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// A server sold at USD 8,000 against a reference range of USD 10,000 to
// 14,000: more than 10% below the low bound, so customs may ask for
// evidence of the price.
func ExampleCheckPrices() {
	s := servers(iorules.CIF, "8000.00")
	v, err := valuation.Value(s, valuation.CIF, "BRL")
	if err != nil {
		fmt.Println(err)
		return
	}
	refs := []valuation.ReferencePrice{{
		HS6: "847150", Currency: "USD",
		Low: decimal.RequireFromString("10000.00"), High: decimal.RequireFromString("14000.00"),
		Source: "prices accepted on earlier entries (example)", Date: iorules.MustParseDate("2026-10-01"),
	}}
	for _, r := range valuation.CheckPrices(s, v, refs, decimal.RequireFromString("0.1")) {
		fmt.Println(r.Severity, r.Code)
		fmt.Println(r.Message)
	}
	// Output:
	// condition valuation_evidence_needed
	// Line 1: the unit price USD 8000.00 is 20% below the low reference price USD 10000.00 for HS 8471.50 (range 10000.00 to 14000.00, prices accepted on earlier entries (example), 2026-10-01; tolerance 10%); customs may doubt that it is the transaction value.
}

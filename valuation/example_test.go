package valuation_test

import (
	"fmt"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// servers returns ten servers shipped from the US to São Paulo, sold at
// price (each) under the incoterm, with the cost of the move in charges.
func servers(term iorules.Incoterm, price string) iorules.Shipment {
	return iorules.Shipment{
		ID: "SHP-1", Date: iorules.NewDate(2026, 11, 25),
		Origin: "US", Destination: "BR", DestinationSubdivision: "BR-SP",
		Incoterm: term, TransportMode: iorules.TransportAir, Currency: "USD",
		ExchangeRates: map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString("5.4321")},
		Charges: iorules.Charges{
			OriginInland: decimal.RequireFromString("800"),
			Freight:      decimal.RequireFromString("3000"),
			Insurance:    decimal.RequireFromString("500"),
		},
		Items: []iorules.Item{{
			Line: 1, Description: "1U rack server", Category: iorules.CategoryServer,
			HSCode: iorules.MustParseHSCode("8471.50.10"), Quantity: 10,
			UnitValue: decimal.RequireFromString(price), Condition: iorules.ConditionNew,
			CountryOfOrigin: "MX",
		}},
	}
}

// A CIF price already includes the freight and insurance to Brazil, so the
// customs value is the price converted at the customs rate.
func ExampleValue() {
	s := servers(iorules.CIF, "10350.00") // 103,500.00 USD CIF
	v, err := valuation.Value(s, valuation.CIF, "BRL")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("FOB value:    ", v.FOBValue.StringFixed(2), v.Currency)
	fmt.Println("customs value:", v.CustomsValue.StringFixed(2), v.Currency)
	// Output:
	// FOB value:     543210.00 BRL
	// customs value: 562222.35 BRL
}

// An EXW price leaves out everything after the seller's door: the inland
// carriage to the port, the freight and the insurance are added, so the
// same goods and costs give the same customs value as the CIF sale above.
func ExampleValue_exw() {
	s := servers(iorules.EXW, "9920.00") // 99,200.00 USD at the factory
	v, err := valuation.Value(s, valuation.CIF, "BRL")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("invoice value:", v.InvoiceValue.StringFixed(2), v.Currency)
	fmt.Println("customs value:", v.CustomsValue.StringFixed(2), v.Currency)
	// Output:
	// invoice value: 538864.32 BRL
	// customs value: 562222.35 BRL
}

func ExampleAllocate() {
	shares, _ := valuation.Allocate(decimal.RequireFromString("100.00"),
		[]decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(1), decimal.NewFromInt(1)}, 2)
	fmt.Println(shares)
	// Output:
	// [33.34 33.33 33.33]
}

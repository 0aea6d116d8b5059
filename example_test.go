package iorules_test

import (
	"fmt"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
)

func ExampleDecodeShipment() {
	const in = `{
	  "id": "SHP-7", "date": "2026-11-25",
	  "origin": "US", "destination": "BR", "destination_subdivision": "BR-SP",
	  "incoterm": "FOB", "transport_mode": "air", "currency": "USD",
	  "exchange_rates": {"USD": "5.4321"},
	  "charges": {"origin_inland": "0", "freight": "3000.00", "insurance": "500.00",
	              "destination_handling": "0", "destination_inland": "0"},
	  "exporter": {"name": "Acme Inc", "country": "US"},
	  "importer_of_record": {"name": "IOR Ltda", "country": "BR"},
	  "end_user": {"name": "DC Co", "country": "BR"},
	  "items": [{
	    "line": 1, "description": "1U rack server", "category": "server",
	    "hs_code": "84715010", "quantity": 10, "unit_value": "10000.00",
	    "condition": "new", "country_of_origin": "MX",
	    "encryption": {"present": true, "mass_market": true}
	  }]
	}`
	s, err := iorules.DecodeShipment(strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.ID, s.Origin, "->", s.Destination, s.DestinationSubdivision, s.Incoterm)
	fmt.Println("invoice:", s.InvoiceValue().StringFixed(s.Currency.MinorUnits()), s.Currency)
	fmt.Println("rate:", s.ExchangeRates[s.Currency], s.Destination.Currency(), "per", s.Currency)
	fmt.Println("line 1:", s.Items[0].HSCode, "HS-6", s.Items[0].HSCode.HS6())
	// Output:
	// SHP-7 US -> BR BR-SP FOB
	// invoice: 100000.00 USD
	// rate: 5.4321 BRL per USD
	// line 1: 8471.50.10 HS-6 847150
}

// A shipment with several mistakes: every problem is reported at once, each
// with the JSON path of its field. The checks of the market policies add
// what a market needs of a shipment to it, here Brazil's state, to the list.
func ExampleDecodeShipment_invalid() {
	const in = `{
	  "id": "SHP-8", "date": "2026-02-30",
	  "origin": "US", "destination": "BR",
	  "incoterm": "FOB", "transport_mode": "sea", "currency": "USD",
	  "charges": {"origin_inland": "0", "freight": "-10", "insurance": "0",
	              "destination_handling": "0", "destination_inland": "0"},
	  "exporter": {"name": "Acme Inc", "country": "US"},
	  "importer_of_record": {"name": "IOR Ltda", "country": "BR"},
	  "end_user": {"name": "DC Co", "country": "BR"},
	  "items": [{
	    "line": 1, "description": "switch", "category": "switch",
	    "hs_code": "8517.62", "quantity": 2, "unit_value": 4500,
	    "condition": "new", "country_of_origin": "CN", "colour": "blue",
	    "encryption": {"present": true}
	  }]
	}`
	engine, err := markets.New()
	if err != nil {
		panic(err)
	}
	_, err = iorules.DecodeShipment(strings.NewReader(in), engine.ShipmentChecks()...)
	for _, fe := range iorules.FieldErrors(err) {
		fmt.Printf("%s: %s\n", fe.Path, fe.Msg)
	}
	// Output:
	// date: must be a real date written YYYY-MM-DD, not "2026-02-30"
	// destination_subdivision: required: the taxes of BR depend on it (an ISO 3166-2 code such as "BR-SP")
	// exchange_rates.USD: required: rate of USD in BRL on the shipment date
	// charges.freight: must not be negative
	// items[0].unit_value: must be a decimal string such as "12.50", not a JSON number
	// items[0].colour: unknown field
}

// Validate applies the same rules to a shipment built in Go.
func ExampleShipment_Validate() {
	s := iorules.Shipment{ID: "SHP-9", Date: iorules.NewDate(2026, 11, 25), Origin: "US", Destination: "TR"}
	err := s.Validate()
	fmt.Println(len(iorules.FieldErrors(err)), "problems; the first:")
	fmt.Println(iorules.FieldErrors(err)[0])
	// Output:
	// 10 problems; the first:
	// incoterm: required
}

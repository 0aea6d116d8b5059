package markets_test

import (
	"fmt"
	"strings"

	"github.com/iorules/iorules/markets"
)

// ExampleEngine_Rollout offers one consignment of servers to three markets,
// each with its own importer of record and exchange rate, and prints what
// each market says and which markets can move together. The customs value is
// CIF, USD 37000 (goods 36000, freight 900, insurance 100); the servers are
// duty-free everywhere, so the landed cost is that value plus VAT or sales
// tax: Egypt 14%, Malaysia 10%, Saudi Arabia 15%. The Saudi importer lacks
// its commercial registration; Egypt waits two days for the ACID.
func ExampleEngine_Rollout() {
	engine, err := markets.New() // the embedded policies
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := markets.DecodeRollout(strings.NewReader(`{
	  "shipment": {
	    "id": "R-1", "date": "2026-12-01", "origin": "US",
	    "incoterm": "FCA", "transport_mode": "air", "currency": "USD",
	    "charges": {"origin_inland": "0", "freight": "900.00", "insurance": "100.00",
	                "destination_handling": "0", "destination_inland": "0"},
	    "exporter": {"name": "Acme Inc", "country": "US"},
	    "end_user": {"name": "Edge Cloud Ltd", "country": "GB", "headquarters_country": "GB",
	                 "ownership": {"owners": [], "checked_on": "2026-11-20"}},
	    "documents": [{"type": "commercial_invoice", "reference": "INV-1"}, {"type": "packing_list", "reference": "PL-1"}],
	    "items": [{"line": 1, "description": "1U rack server, 2 CPUs, 256 GB RAM, no radio",
	      "category": "server", "hs_code": "8471.50", "quantity": 4, "unit_value": "9000.00",
	      "net_weight_kg": "18", "condition": "new", "country_of_origin": "MX", "radio": [],
	      "encryption": {"present": true, "mass_market": true}, "eccn": "5A992.c"}]
	  },
	  "markets": {
	    "MY": {"importer_of_record": {"name": "Selangor Trade Hub Sdn Bhd", "country": "MY",
	             "registrations": [{"scheme": "my.ssm", "id": "201901023456"}],
	             "ownership": {"owners": [], "checked_on": "2026-11-20"}},
	           "exchange_rates": {"USD": "4.2100"}},
	    "EG": {"importer_of_record": {"name": "Nile Delta Trading S.A.E.", "country": "EG",
	             "registrations": [{"scheme": "eg.importers_register", "id": "IR-58213"}],
	             "ownership": {"owners": [], "checked_on": "2026-11-20"}},
	           "exchange_rates": {"USD": "48.9500"}},
	    "SA": {"importer_of_record": {"name": "Red Sea Import Services Co", "country": "SA",
	             "registrations": [],
	             "ownership": {"owners": [], "checked_on": "2026-11-20"}},
	           "exchange_rates": {"USD": "3.7500"}}
	  }
	}`))
	if err != nil {
		fmt.Println(err) // every problem, e.g. markets[SA].exchange_rates.USD: required: ...
		return
	}
	res, err := engine.Rollout(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range res.Markets {
		fmt.Printf("%s %-11s %s %s = %s %s", m.Market, m.Verdict,
			m.Currency, m.LandedCost.StringFixed(2), res.Currency, m.LandedCostInShipmentCurrency.StringFixed(2))
		for _, a := range m.MissingApprovals {
			fmt.Printf(", missing %s", a.ID)
		}
		fmt.Println()
	}
	for _, g := range res.Summary.Together {
		fmt.Println("can move from", g.Date, g.Markets)
	}
	for _, d := range res.Summary.Declined {
		fmt.Println("declined:", d.Market, d.Reason.Code, "->", d.Reason.Unblock)
	}
	// Output:
	// EG conditional EGP 2064711.00 = USD 42180.00, missing eg.acid
	// MY clear       MYR 171347.00 = USD 40700.00
	// SA decline     SAR 159562.50 = USD 42550.00, missing sa.saber_pcoc, missing sa.saber_scoc
	// can move from 2026-12-01 [MY]
	// can move from 2026-12-03 [EG]
	// declined: SA ior_registration_missing -> Add the importer's commercial registration number as registration sa.cr.
}

package markets_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
)

// ExampleEngine_Prequalify evaluates a shipment against a small policy and
// prints the verdict, the taxes and what blocks the cargo.
func ExampleEngine_Prequalify() {
	engine, err := markets.New(markets.WithPolicies(os.DirFS("testdata/mini")))
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := iorules.DecodeShipment(strings.NewReader(`{
	  "id": "T-1", "date": "2026-11-25", "origin": "US", "destination": "TR",
	  "incoterm": "CIF", "transport_mode": "air", "currency": "USD",
	  "exchange_rates": {"USD": "40.0000"},
	  "charges": {"origin_inland": "0", "freight": "100.00", "insurance": "10.00",
	              "destination_handling": "0", "destination_inland": "0"},
	  "exporter": {"name": "Acme Inc", "country": "US"},
	  "importer_of_record": {"name": "IOR AS", "country": "TR",
	      "registrations": [{"scheme": "tr.vkn", "id": "1234567890"}],
	      "ownership": {"owners": [], "checked_on": "2026-11-20"}},
	  "end_user": {"name": "DC AS", "country": "TR", "headquarters_country": "TR",
	      "ownership": {"owners": [{"name": "DC Holding AS", "country": "TR", "share": "100"}], "checked_on": "2026-11-20"}},
	  "items": [{"line": 1, "description": "48-port ethernet switch", "category": "switch",
	    "hs_code": "8517.62", "quantity": 4, "unit_value": "2500.00", "net_weight_kg": "5",
	    "condition": "new", "country_of_origin": "CN", "radio": [],
	    "encryption": {"present": true, "mass_market": true}, "eccn": "5A992.c"}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := engine.Prequalify(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verdict:", d.Verdict)
	fmt.Println("customs value:", d.Valuation.CustomsValue.StringFixed(2), d.Valuation.Currency)
	for _, t := range d.Taxes {
		fmt.Printf("%s on %s at %s = %s\n", t.ID, t.Base.StringFixed(2), t.Rate, t.Amount.StringFixed(2))
	}
	fmt.Println("total taxes:", d.TotalTaxes.StringFixed(2))
	for _, r := range d.Reasons {
		if r.Severity == iorules.SeverityCondition {
			fmt.Println("to do:", r.Unblock)
		}
	}
	// Output:
	// verdict: conditional
	// customs value: 400000.00 TRY
	// tr.duty on 400000.00 at 0.05 = 20000.00
	// tr.kdv on 420000.00 at 0.2 = 84000.00
	// total taxes: 104000.00
	// to do: screening of the owners named against the Entity List, the Military End-User List and the SDN List (supply the list in the options), or a disposition with decision "ownership_cleared", the party's name and the review's reference
	// to do: a signed end-user certificate naming the end user, its activity and the end use, confirming no re-export to Russia or Belarus, listed in the shipment's documents (type end_user_certificate; lines it covers, or none for all)
	// to do: Obtain TAREKS check from TAREKS (lead time about 10 days) and list it in approvals_held as "tr.tareks".
}

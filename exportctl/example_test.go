package exportctl_test

import (
	"fmt"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/shopspring/decimal"
)

// A GPU server shipped from the US to Malaysia for an end user whose parent
// is headquartered in China: the headquarters test of 15 CFR
// 742.6(a)(6)(iii)(A) applies wherever the goods go. The caller's
// restricted-party list catches the importer despite a typo.
func ExampleScreen() {
	tpp := decimal.NewFromInt(15832)
	s := iorules.Shipment{
		ID: "SHP-7", Date: iorules.MustParseDate("2026-06-15"),
		Origin: "US", Destination: "MY",
		Exporter:         iorules.Party{Name: "Acme Inc", Country: "US"},
		ImporterOfRecord: iorules.Party{Name: "Nothwind Trading Sdn Bhd", Country: "MY", HeadquartersCountry: "MY"},
		EndUser:          iorules.Party{Name: "Cloud Co", Country: "MY", HeadquartersCountry: "CN"},
		Items: []iorules.Item{
			{Line: 1, Category: iorules.CategoryGPUServer, HSCode: "847150", Quantity: 2, CountryOfOrigin: "US", ECCN: "4A090.a", TPP: &tpp},
			{Line: 2, Category: iorules.CategorySwitch, HSCode: "851762", Quantity: 1, CountryOfOrigin: "MX", ECCN: "5A992.c",
				Encryption: iorules.Encryption{Present: true, MassMarket: true}},
		},
	}
	res := exportctl.Screen(s, exportctl.Options{
		Parties: []exportctl.ListedParty{{Name: "Northwind Trading Sdn. Bhd.", List: "UVL", Source: "BIS Unverified List"}},
	})
	fmt.Println("licence required:", res.LicenceRequired)
	for _, l := range res.Lines {
		fmt.Printf("line %d %s: %s (%s)\n", l.Line, l.ECCN, l.Determination, l.Source)
	}
	for _, m := range res.Screening {
		fmt.Printf("%s matches %q on %s, score %d\n", m.Role, m.ListedName, m.List, m.Score)
	}
	for _, r := range res.Reasons {
		if r.Severity != iorules.SeverityInfo {
			fmt.Println(r.Severity, r.Code, r.Rule, r.Lines)
		}
	}
	// Output:
	// licence required: true
	// line 1 4A090.a: presumption_of_denial (15 CFR 742.6(a)(6)(iii)(A) (formerly 744.23(a)(3)); 88 FR 73458; BIS guidance of 2026-05-31)
	// line 2 5A992.c: NLR (15 CFR 740.17(b)(1); 15 CFR 774 Supp. 1 (5A992.c))
	// importer_of_record matches "Northwind Trading Sdn. Bhd." on UVL, score 94
	// decline export_licence_denial exportctl.ear.3a090.hq [1]
	// condition restricted_party_match exportctl.screening []
}

package exportctl

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

func TestSmoke(t *testing.T) {
	tpp := decimal.NewFromInt(15832)
	s := iorules.Shipment{ID: "x", Date: iorules.MustParseDate("2026-07-01"), Origin: "DE", Destination: "AE",
		Exporter: iorules.Party{Name: "Acme GmbH", Country: "DE"},
		ImporterOfRecord: iorules.Party{Name: "Gulf Trading FZE", Country: "AE"},
		EndUser: iorules.Party{Name: "Huawie Technologies Co., Ltd.", Country: "AE", HeadquartersCountry: "AE"},
		Items: []iorules.Item{
			{Line: 1, Category: "gpu_server", HSCode: "847150", ECCN: "4A090.a", TPP: &tpp, CountryOfOrigin: "US"},
			{Line: 2, Category: "switch", HSCode: "851762", ECCN: "5A992.c", CountryOfOrigin: "CN"},
			{Line: 3, Category: "firewall", HSCode: "851762", ECCN: "5A002.a", CountryOfOrigin: "TW"},
		}}
	r := Screen(s, Options{Parties: []ListedParty{{Name: "Huawei Technologies Co. Ltd", List: "EL"}}})
	b, _ := json.MarshalIndent(r, "", " ")
	fmt.Println(string(b))
	for _, x := range r.Reasons {
		fmt.Printf("%s %s %v %s | %s | %s\n", x.Severity, x.Code, x.Lines, x.Rule, x.Message, x.Source)
	}
}

package policytest

import (
	"strings"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// SampleShipment returns a valid shipment of lines lines bound for market,
// as an importer of record receives one: four kinds of data-centre
// equipment (servers, switches, UPS, copper cables) from four origins, with
// specific descriptions, models, the commercial invoice and the packing
// list, shipped FOB by sea from the United States. Line i has quantity
// 1 + i%7 and a unit value that grows with i.
//
// It is the shipment the module's benchmarks run on, and a starting point
// for benchmarking a policy of your own: patch what your market needs (a
// subdivision, registrations) before evaluating it.
func SampleShipment(market iorules.Country, lines int) iorules.Shipment {
	s := iorules.Shipment{
		ID: "SAMPLE", Date: iorules.MustParseDate("2026-11-25"), Origin: "US", Destination: market,
		Incoterm: iorules.FOB, TransportMode: iorules.TransportSea, Currency: "USD",
		ExchangeRates: map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString("5.4321")},
		Charges: iorules.Charges{
			Freight: decimal.RequireFromString("3000.00"), Insurance: decimal.RequireFromString("500.00"),
		},
		Exporter:         iorules.Party{Name: "Acme Inc", Country: "US"},
		ImporterOfRecord: iorules.Party{Name: "IOR", Country: market},
		EndUser:          iorules.Party{Name: "DC", Country: market, HeadquartersCountry: market},
		Documents: []iorules.Document{
			{Type: iorules.DocumentCommercialInvoice, Reference: "INV-SAMPLE", Date: iorules.MustParseDate("2026-11-20")},
			{Type: iorules.DocumentPackingList, Reference: "PL-SAMPLE", Date: iorules.MustParseDate("2026-11-20")},
		},
	}
	if market == "BR" {
		s.DestinationSubdivision = "BR-SP"
		s.ImporterOfRecord.Registrations = []iorules.Registration{{Scheme: "br.radar", ID: "1", Level: "unlimited"}}
	}
	kinds := []struct {
		code, model, description string
		category                 iorules.Category
	}{
		{"84715010", "R1U-G5", "1U rack server, 2 x 32-core CPU, 512 GB RAM, 4 x 3.84 TB NVMe, no radio", iorules.CategoryServer},
		{"85176259", "SW-48X", "48-port 25GbE data-centre Ethernet switch, layer 3, no radio", iorules.CategorySwitch},
		{"85044040", "UPS-10K", "10 kVA online double-conversion UPS, rack mount, 230 V", iorules.CategoryUPS},
		{"85444200", "CU-DAC-3M", "3 m 100G QSFP28 passive copper direct-attach cable with connectors", iorules.CategoryCableCopper},
	}
	origins := []iorules.Country{"MX", "CN", "TW", "VN"}
	for i := range lines {
		k := kinds[i%len(kinds)]
		s.Items = append(s.Items, iorules.Item{
			Line: i + 1, SKU: "SKU-" + strings.ToUpper(k.model), Model: k.model, Description: k.description,
			Category: k.category, HSCode: iorules.HSCode(k.code), Quantity: 1 + i%7,
			UnitValue:   decimal.New(int64(1000+37*i), -1).Add(decimal.NewFromInt(900)),
			NetWeightKg: ptr(decimal.NewFromInt(10)), Condition: iorules.ConditionNew,
			CountryOfOrigin: origins[i%len(origins)],
			Encryption:      iorules.Encryption{Present: true, MassMarket: true}, ECCN: "5A992.c",
		})
	}
	return s
}

func ptr[T any](v T) *T { return &v }

package markets_test

import (
	"fmt"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
)

// benchShipment builds a valid shipment of n lines bound for market, as an
// importer of record would receive it: specific descriptions, models, the
// commercial invoice and packing list, four kinds of equipment from four
// origins.
func benchShipment(market iorules.Country, n int) iorules.Shipment {
	s := iorules.Shipment{
		ID: "BENCH", Date: iorules.MustParseDate("2026-11-25"), Origin: "US", Destination: market,
		Incoterm: iorules.FOB, TransportMode: iorules.TransportSea, Currency: "USD",
		ExchangeRates: map[iorules.Currency]decimal.Decimal{"USD": decimal.RequireFromString("5.4321")},
		Charges: iorules.Charges{
			Freight: decimal.RequireFromString("3000.00"), Insurance: decimal.RequireFromString("500.00"),
		},
		Exporter:         iorules.Party{Name: "Acme Inc", Country: "US"},
		ImporterOfRecord: iorules.Party{Name: "IOR", Country: market},
		EndUser:          iorules.Party{Name: "DC", Country: market, HeadquartersCountry: market},
		Documents: []iorules.Document{
			{Type: iorules.DocumentCommercialInvoice, Reference: "INV-BENCH", Date: iorules.MustParseDate("2026-11-20")},
			{Type: iorules.DocumentPackingList, Reference: "PL-BENCH", Date: iorules.MustParseDate("2026-11-20")},
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
	for i := range n {
		k := kinds[i%4]
		s.Items = append(s.Items, iorules.Item{
			Line: i + 1, Model: k.model, Description: k.description, Category: k.category,
			HSCode: iorules.HSCode(k.code), Quantity: 1 + i%7,
			UnitValue:   decimal.New(int64(1000+37*i), -1).Add(decimal.NewFromInt(900)),
			NetWeightKg: decimal.NewFromInt(10), Condition: iorules.ConditionNew,
			CountryOfOrigin: []iorules.Country{"MX", "CN", "TW", "VN"}[i%4],
			Encryption:      iorules.Encryption{Present: true, MassMarket: true}, ECCN: "5A992.c",
		})
	}
	return s
}

func BenchmarkPrequalify(b *testing.B) {
	engine, err := markets.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range engine.Markets() {
		for _, n := range []int{1, 10, 100, 1000} {
			s := benchShipment(m, n)
			if err := s.Validate(); err != nil {
				b.Fatalf("%s: %v", m, err)
			}
			b.Run(fmt.Sprintf("%s/lines=%d", m, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := engine.Prequalify(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := markets.New(); err != nil {
			b.Fatal(err)
		}
	}
}

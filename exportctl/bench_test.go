package exportctl

import (
	"fmt"
	"testing"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
)

// benchShipment builds the n-line shipment of the markets benchmark
// (markets/bench_test.go): US origin, mass-market encryption items of ECCN
// 5A992.c made in MX, CN, TW and VN, bound for market.
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
	}
	if market == "BR" {
		s.DestinationSubdivision = "BR-SP"
		s.ImporterOfRecord.Registrations = []iorules.Registration{{Scheme: "br.radar", ID: "1", Level: "unlimited"}}
	}
	codes := []string{"84715010", "85176259", "85044040", "85444200"}
	cats := []iorules.Category{iorules.CategoryServer, iorules.CategorySwitch, iorules.CategoryUPS, iorules.CategoryCableCopper}
	for i := range n {
		s.Items = append(s.Items, iorules.Item{
			Line: i + 1, Description: "data-center equipment", Category: cats[i%4],
			HSCode: iorules.HSCode(codes[i%4]), Quantity: 1 + i%7,
			UnitValue:   decimal.New(int64(1000+37*i), -1).Add(decimal.NewFromInt(900)),
			NetWeightKg: decimal.NewFromInt(10), Condition: iorules.ConditionNew,
			CountryOfOrigin: []iorules.Country{"MX", "CN", "TW", "VN"}[i%4],
			Encryption:      iorules.Encryption{Present: true, MassMarket: true}, ECCN: "5A992.c",
		})
	}
	return s
}

// benchList builds a restricted-party list of n entries shaped like
// Consolidated Screening List rows: multi-word names with legal forms, some
// diacritics, and aliases on every third entry. None matches the benchmark
// shipment's parties.
func benchList(n int) []ListedParty {
	words := []string{"Northern", "Électronique", "Trading", "Holdings", "Shenzhen", "Avia", "Dalnyaya", "Technologies", "Systems", "Group", "Star", "Marine"}
	forms := []string{"LLC", "Co., Ltd.", "JSC", "GmbH", "Limited Liability Company", "FZE"}
	lists := []string{"EL", "SDN", "DPL", "MEU", "UVL"}
	countries := []iorules.Country{"RU", "CN", "IR", "AE", "HK", "BY"}
	out := make([]ListedParty, n)
	for i := range out {
		lp := ListedParty{
			Name:    fmt.Sprintf("%s %s %d %s", words[i%len(words)], words[(i/len(words))%len(words)], i, forms[i%len(forms)]),
			Country: countries[i%len(countries)], List: lists[i%len(lists)],
			Source: fmt.Sprintf("85 FR %d", 10000+i),
		}
		if i%3 == 0 {
			lp.Aliases = []string{fmt.Sprintf("%s-%d", words[(i+5)%len(words)], i), fmt.Sprintf("OOO %s %s", words[(i+7)%len(words)], words[(i+2)%len(words)])}
		}
		out[i] = lp
	}
	return out
}

func BenchmarkScreen(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		s := benchShipment("BR", n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Screen(s, Options{})
			}
		})
	}
	s := benchShipment("BR", 10)
	opts := Options{Parties: benchList(1000)}
	b.Run("lines=10/parties=1000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Screen(s, opts)
		}
	})
}

package iorules

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// goShipment is a valid shipment built in Go, as a library caller would.
func goShipment() Shipment {
	return Shipment{
		ID: "SHP-9", Date: NewDate(2026, 11, 25),
		Origin: "US", Destination: "BR", DestinationSubdivision: "BR-RJ",
		Incoterm: CIF, TransportMode: TransportAir, Currency: "USD",
		ExchangeRates:    map[Currency]decimal.Decimal{"USD": decimal.RequireFromString("5.4321")},
		Charges:          Charges{Freight: decimal.RequireFromString("1200"), Insurance: decimal.RequireFromString("200")},
		Exporter:         Party{Name: "Acme Inc", Country: "US"},
		ImporterOfRecord: Party{Name: "IOR Ltda", Country: "BR"},
		EndUser:          Party{Name: "DC Co", Country: "BR"},
		Items: []Item{
			{Line: 1, Description: "48-port switch", Category: CategorySwitch, HSCode: MustParseHSCode("8517.62"),
				Quantity: 4, UnitValue: decimal.RequireFromString("10000"), Condition: ConditionNew,
				CountryOfOrigin: "CN", Encryption: Encryption{Present: true}},
			{Line: 2, Description: "SFP28 transceiver", Category: CategoryTransceiver, HSCode: MustParseHSCode("8517.71"),
				Quantity: 100, UnitValue: decimal.RequireFromString("14.5"), Condition: ConditionNew,
				CountryOfOrigin: "CN"},
		},
	}
}

func TestValidate(t *testing.T) {
	require.NoError(t, goShipment().Validate())

	huge := decimal.New(1, 100000)
	tests := []struct {
		name   string
		mutate func(s *Shipment)
		want   []string
	}{
		{"zero shipment", func(s *Shipment) { *s = Shipment{} }, []string{
			"id: required", "date: required", "origin: required", "destination: required",
			"incoterm: required", "transport_mode: required", "currency: required",
			"exporter.name: required", "exporter.country: required",
			"importer_of_record.name: required", "importer_of_record.country: required",
			"end_user.name: required", "end_user.country: required",
			"items: required: at least one item",
		}},
		{"HS code not parsed", func(s *Shipment) { s.Items[1].HSCode = "8517.71" },
			[]string{`items[1].hs_code: malformed HS code "8517.71": want 6 to 12 digits (build it with ParseHSCode)`}},
		{"quantity too large", func(s *Shipment) { s.Items[0].Quantity = maxQuantity + 1 },
			[]string{"items[0].quantity: must be at most 10000000"}},
		{"huge exponent", func(s *Shipment) { s.Items[0].UnitValue = huge },
			[]string{"items[0].unit_value: must be less than 1000000000000"}},
		{"tiny but positive", func(s *Shipment) { s.Items[0].UnitValue = decimal.New(1, -100000) }, nil},
		{"tpp zero", func(s *Shipment) { z := decimal.Zero; s.Items[0].TPP = &z },
			[]string{"items[0].tpp: must be greater than 0"}},
		{"too many items", func(s *Shipment) {
			s.Items = slices.Repeat(s.Items[:1], MaxItems+1)
		}, []string{"items: must list at most 10000 items, not 10001"}},
		{"too many registrations", func(s *Shipment) {
			s.ImporterOfRecord.Registrations = slices.Repeat([]Registration{{Scheme: "br.radar", ID: "1"}}, maxRegistrations+1)
		}, []string{"importer_of_record.registrations: must list at most 50 registrations, not 51"}},
		{"too many models", func(s *Shipment) {
			s.Items[0].ApprovalsHeld = []HeldApproval{{ID: "br.anatel", Models: slices.Repeat([]string{"M"}, maxModels+1)}}
		}, []string{"items[0].approvals_held[0].models: must list at most 100 models, not 101"}},
		{"too many rates", func(s *Shipment) {
			for i := range maxRates + 1 {
				s.ExchangeRates[Currency(strings.Repeat("A", i+1))] = decimal.NewFromInt(1)
			}
		}, []string{"exchange_rates: must list at most 300 rates, not 302"}},
		{"too many documents", func(s *Shipment) {
			s.Documents = slices.Repeat([]Document{{Type: DocumentPackingList}}, maxDocuments+1)
		}, []string{"documents: must list at most 100 documents, not 101"}},
		{"document checked with the items", func(s *Shipment) {
			s.Documents = []Document{
				{Type: DocumentCertificate, Lines: []int{2, 3}},
				{Type: "invoice", Date: NewDate(2100, 1, 1)},
			}
		}, []string{"documents[0].lines[1]: no item has line 3",
			`documents[1].type: must be one of commercial_invoice, packing_list, specification, declaration_of_conformity, certificate, end_user_certificate, airway_bill, bill_of_lading, certificate_of_origin; not "invoice"`,
			"documents[1].date: must be between 2000-01-01 and 2099-12-31, not 2100-01-01"}},
		{"rate missing, date unset", func(s *Shipment) { s.ExchangeRates = nil; s.Date = Date{} },
			[]string{"date: required", "exchange_rates.USD: required: rate of USD in BRL on the shipment date"}},
		{"line order by index, not text", func(s *Shipment) {
			for i := 2; i < 12; i++ {
				it := s.Items[1]
				it.Line = i + 1
				s.Items = append(s.Items, it)
			}
			s.Items[2].Quantity = 0
			s.Items[10].Quantity = 0
		}, []string{"items[2].quantity: must be greater than 0", "items[10].quantity: must be greater than 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := goShipment()
			tt.mutate(&s)
			require.Equal(t, tt.want, lines(t, s.Validate()))
		})
	}
}

// TestValidateMatchesDecode checks that the rules Validate applies to a Go
// value are the ones DecodeShipment applies to JSON.
func TestValidateMatchesDecode(t *testing.T) {
	s, err := DecodeShipment(bytes.NewReader(edited(t)))
	require.NoError(t, err)
	s.Items[0].Quantity = 0
	s.Incoterm = "FOX"

	_, decodeErr := DecodeShipment(bytes.NewReader(edited(t, set("items.0.quantity", 0), set("incoterm", "FOX"))))
	require.Equal(t, lines(t, decodeErr), lines(t, s.Validate()))
}

func TestComparePaths(t *testing.T) {
	var root fieldPath
	ordered := []fieldPath{
		root,
		root.field("id"),
		root.field("date"),
		root.field("exchange_rates").key("EUR"),
		root.field("exchange_rates").key("USD"),
		root.field("charges").field("freight"),
		root.field("importer_of_record").field("registrations").at(0).field("scheme"),
		root.field("importer_of_record").field("registrations").at(0).field("id"),
		root.field("items"),
		root.field("items").at(2).field("line"),
		root.field("items").at(2).field("unit_value"),
		root.field("items").at(2).field("zzz_unknown"),
		root.field("items").at(10).field("line"),
		root.field("documents").at(0).field("type"),
		root.field("documents").at(0).field("lines").at(1),
		root.field("documents").at(1).field("type"),
		root.field("aaa_unknown"),
		root.field("bbb_unknown"),
	}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			require.Equal(t, want, comparePaths(ordered[i], ordered[j]), "%s vs %s", ordered[i], ordered[j])
		}
	}
}

func TestFieldPathString(t *testing.T) {
	var root fieldPath
	tests := []struct {
		path fieldPath
		want string
	}{
		{root, ""},
		{root.field("items").at(2).field("unit_value"), "items[2].unit_value"},
		{root.field("exchange_rates").key("EUR"), "exchange_rates.EUR"},
		{root.field("items").at(0).field("radio").at(1), "items[0].radio[1]"},
		{root.field("exchange_rates").key("a.b"), `exchange_rates["a.b"]`},
		{root.field(""), `[""]`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.path.String())
	}
}

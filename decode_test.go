package iorules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules/internal/golden"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// sample returns the valid sample shipment of testdata/ as JSON.
func sample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "shipment_valid.json"))
	require.NoError(t, err)
	return b
}

// An edit changes a shipment held as generic JSON (numbers as json.Number).
type edit func(t testing.TB, doc map[string]any)

// set replaces or adds the value at a dotted path ("items.0.unit_value").
// A json.RawMessage value is written verbatim.
func set(path string, v any) edit {
	return func(t testing.TB, doc map[string]any) {
		parent, last := walk(t, doc, path)
		switch p := parent.(type) {
		case map[string]any:
			p[last] = v
		case []any:
			i, err := strconv.Atoi(last)
			require.NoError(t, err)
			p[i] = v
		default:
			t.Fatalf("set %s: parent is %T", path, parent)
		}
	}
}

// del removes the member at a dotted path.
func del(path string) edit {
	return func(t testing.TB, doc map[string]any) {
		parent, last := walk(t, doc, path)
		p, ok := parent.(map[string]any)
		require.True(t, ok, "del %s: parent is %T", path, parent)
		_, ok = p[last]
		require.True(t, ok, "del %s: no such member", path)
		delete(p, last)
	}
}

func walk(t testing.TB, doc map[string]any, path string) (parent any, last string) {
	t.Helper()
	parts := strings.Split(path, ".")
	var cur any = doc
	for _, part := range parts[:len(parts)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			i, err := strconv.Atoi(part)
			require.NoError(t, err)
			cur = c[i]
		default:
			t.Fatalf("walk %s: %T at %s", path, cur, part)
		}
	}
	return cur, parts[len(parts)-1]
}

// edited returns the sample with the edits applied, as JSON.
func edited(t testing.TB, edits ...edit) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(sample(t)))
	dec.UseNumber()
	var doc map[string]any
	require.NoError(t, dec.Decode(&doc))
	for _, e := range edits {
		e(t, doc)
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

// lines renders the field errors in err as "path: message" strings.
func lines(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	fes := FieldErrors(err)
	require.NotEmpty(t, fes, "error without FieldErrors: %v", err)
	out := make([]string, len(fes))
	for i, fe := range fes {
		out[i] = fe.Error()
	}
	require.Equal(t, strings.Join(out, "\n"), err.Error(), "the joined error prints one problem a line")
	return out
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// doc is a document of the given type with one more member set.
func doc(typ, key string, v any) map[string]any {
	return map[string]any{"type": typ, key: v}
}

func TestDecodeShipmentSample(t *testing.T) {
	s, err := DecodeShipment(bytes.NewReader(sample(t)))
	require.NoError(t, err)

	tpp := (*decimal.Decimal)(nil)
	weight := decimal.RequireFromString("18.5")
	want := Shipment{
		ID: "SHP-1", Date: MustParseDate("2026-11-25"),
		Origin: "US", Destination: "BR", DestinationSubdivision: "BR-SP",
		Incoterm: FOB, TransportMode: TransportSea, Currency: "USD",
		ExchangeRates: map[Currency]decimal.Decimal{"USD": decimal.RequireFromString("5.3000")},
		Charges: Charges{
			OriginInland: decimal.Zero, Freight: decimal.RequireFromString("3000"),
			Insurance: decimal.RequireFromString("500"), DestinationHandling: decimal.Zero,
			DestinationInland: decimal.Zero,
		},
		Exporter: Party{Name: "Acme Inc", Country: "US"},
		ImporterOfRecord: Party{Name: "IOR Ltda", Country: "BR",
			Registrations: []Registration{{Scheme: "br.radar", ID: "123", Level: "unlimited"}}},
		EndUser: Party{Name: "DC Co", Country: "BR", HeadquartersCountry: "BR"},
		Items: []Item{{
			Line: 1, SKU: "SRV-1U", Description: "1U rack server, 2 CPUs, 512 GB RAM",
			Category: CategoryServer, HSCode: "84715010", Quantity: 10,
			UnitValue: decimal.RequireFromString("9700"), NetWeightKg: &weight,
			Condition: ConditionNew, CountryOfOrigin: "MX",
			Encryption: Encryption{Present: true, MassMarket: true}, ECCN: "5A992.c", TPP: tpp,
			ApprovalsHeld: []HeldApproval{{ID: "br.anatel", Reference: "12345-21-01234",
				ValidUntil: MustParseDate("2028-01-01")}},
		}},
	}
	require.Empty(t, cmp.Diff(want, s, shipmentCmp...))
	require.NoError(t, s.Validate())
}

// shipmentCmp compares shipments by value: decimals numerically, dates by day.
var shipmentCmp = []cmp.Option{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b Date) bool { return a.Equal(b) }),
}

// TestDecodeShipmentRules has a row for every validation rule: the valid
// sample with one thing changed, and the exact problems reported.
func TestDecodeShipmentRules(t *testing.T) {
	const (
		mustBePositive = "must be greater than 0"
		notNegative    = "must not be negative"
		required       = "required"
		unknownCountry = `unknown country code %q (want ISO 3166-1 alpha-2 in upper case, such as "BR")`
		numberMoney    = `must be a decimal string such as "12.50", not a JSON number`
	)
	item := func(field string) string { return "items.0." + field }
	long := func(n int) string { return strings.Repeat("x", n) }

	tests := []struct {
		name  string
		edits []edit
		want  []string
	}{
		// required fields of the shipment
		{"id missing", []edit{del("id")}, []string{"id: required"}},
		{"id blank", []edit{set("id", "  ")}, []string{"id: required"}},
		{"id too long", []edit{set("id", long(101))}, []string{"id: must be at most 100 characters"}},
		{"date missing", []edit{del("date")}, []string{"date: required"}},
		{"date null", []edit{set("date", nil)}, []string{"date: required"}},
		{"origin missing", []edit{del("origin")}, []string{"origin: required"}},
		{"destination missing", []edit{del("destination"), del("destination_subdivision")},
			[]string{"destination: required"}},
		{"incoterm missing", []edit{del("incoterm")}, []string{"incoterm: required"}},
		{"transport_mode missing", []edit{del("transport_mode")}, []string{"transport_mode: required"}},
		{"currency missing", []edit{del("currency")}, []string{"currency: required"}},
		{"charges missing", []edit{del("charges")}, []string{"charges: required"}},
		{"exporter missing", []edit{del("exporter")}, []string{"exporter: required"}},
		{"importer_of_record missing", []edit{del("importer_of_record")}, []string{"importer_of_record: required"}},
		{"end_user missing", []edit{del("end_user")}, []string{"end_user: required"}},
		{"items missing", []edit{del("items")}, []string{"items: required"}},
		{"items empty", []edit{set("items", []any{})}, []string{"items: required: at least one item"}},
		{"items not an array", []edit{set("items", map[string]any{})}, []string{"items: must be a JSON array, not an object"}},

		// dates
		{"date not a real day", []edit{set("date", "2026-02-30")},
			[]string{`date: must be a real date written YYYY-MM-DD, not "2026-02-30"`}},
		{"date in another format", []edit{set("date", "25/11/2026")},
			[]string{`date: must be a real date written YYYY-MM-DD, not "25/11/2026"`}},
		{"date out of range", []edit{set("date", "1999-12-31")},
			[]string{"date: must be between 2000-01-01 and 2099-12-31, not 1999-12-31"}},
		{"date a number", []edit{set("date", raw("20261125"))}, []string{"date: must be a string, not a number"}},
		{"valid_until not a real day", []edit{set(item("approvals_held.0.valid_until"), "2028-13-01")},
			[]string{`items[0].approvals_held[0].valid_until: must be a real date written YYYY-MM-DD, not "2028-13-01"`}},
		{"registration valid_until not a real day", []edit{set("importer_of_record.registrations.0.valid_until", "2027-04-31")},
			[]string{`importer_of_record.registrations[0].valid_until: must be a real date written YYYY-MM-DD, not "2027-04-31"`}},

		// countries
		{"origin unknown", []edit{set("origin", "XX")}, []string{"origin: " + fmt.Sprintf(unknownCountry, "XX")}},
		{"origin lower case", []edit{set("origin", "us")}, []string{"origin: " + fmt.Sprintf(unknownCountry, "us")}},
		{"destination unknown", []edit{set("destination", "ZZ"), del("destination_subdivision")},
			[]string{"destination: " + fmt.Sprintf(unknownCountry, "ZZ")}},
		{"destination equals origin", []edit{set("origin", "BR"), set("exporter.country", "BR")},
			[]string{"destination: must differ from origin (BR): an import crosses a border"}},
		{"party country unknown", []edit{set("end_user.country", "UK")},
			[]string{"end_user.country: " + fmt.Sprintf(unknownCountry, "UK")}},
		{"headquarters_country unknown", []edit{set("end_user.headquarters_country", "EU")},
			[]string{"end_user.headquarters_country: " + fmt.Sprintf(unknownCountry, "EU")}},
		{"country_of_origin unknown", []edit{set(item("country_of_origin"), "TWN")},
			[]string{"items[0].country_of_origin: " + fmt.Sprintf(unknownCountry, "TWN")}},
		{"country_of_origin missing", []edit{del(item("country_of_origin"))}, []string{"items[0].country_of_origin: required"}},

		// subdivision
		// (what a market needs of it is its policy's: TestShipmentChecks,
		// and markets' TestShipmentChecksReportWithTheDecoder)
		{"subdivision of another country", []edit{set("destination_subdivision", "AR-B")},
			[]string{`destination_subdivision: must be a subdivision of the destination BR, not "AR-B"`}},
		{"subdivision malformed", []edit{set("destination_subdivision", "SP")},
			[]string{`destination_subdivision: malformed subdivision "SP" (want an ISO 3166-2 code such as "BR-SP")`}},

		// enums
		{"incoterm unknown", []edit{set("incoterm", "FOX")},
			[]string{`incoterm: must be one of EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF; not "FOX"`}},
		{"incoterm lower case", []edit{set("incoterm", "fob")},
			[]string{`incoterm: must be one of EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF; not "fob"`}},
		{"transport_mode unknown", []edit{set("transport_mode", "ship")},
			[]string{`transport_mode: must be one of sea, air, road, rail; not "ship"`}},
		{"category unknown", []edit{set(item("category"), "computer")},
			[]string{`items[0].category: must be one of server, storage, switch, router, wireless_access_point, firewall, gpu_accelerator, gpu_server, transceiver, ups, pdu, cooling, cable_copper, cable_fiber, rack, laptop, mobile_phone, battery, storage_drive, computer_part, network_part, antenna, monitor, keyboard_kvm, other; not "computer"`}},
		{"category missing", []edit{del(item("category"))}, []string{"items[0].category: required"}},
		{"condition unknown", []edit{set(item("condition"), "refurb")},
			[]string{`items[0].condition: must be one of new, refurbished, used; not "refurb"`}},
		{"condition missing", []edit{del(item("condition"))}, []string{"items[0].condition: required"}},
		{"radio unknown", []edit{set(item("radio"), []any{"wifi", "5g"})},
			[]string{`items[0].radio[1]: must be one of wifi, bluetooth, cellular, lora, zigbee, nfc, other; not "5g"`}},
		{"radio duplicate", []edit{set(item("radio"), []any{"wifi", "bluetooth", "wifi"})},
			[]string{`items[0].radio[2]: duplicate radio "wifi"`}},
		{"radio not a string", []edit{set(item("radio"), []any{json.Number("1")})},
			[]string{`items[0].radio[0]: must be a string, not a number`}},
		{"radio too many", []edit{set(item("radio"), []any{"wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi", "wifi"})},
			[]string{"items[0].radio: must list at most 14 radio technologies"}},

		// currencies and exchange rates
		{"currency unknown", []edit{set("currency", "usd")},
			[]string{`currency: unknown currency code "usd" (want ISO 4217 in upper case, such as "USD")`}},
		{"rate missing", []edit{del("exchange_rates")},
			[]string{"exchange_rates.USD: required: rate of USD in BRL on 2026-11-25"}},
		{"rate missing for the shipment currency", []edit{set("currency", "EUR")},
			[]string{"exchange_rates.EUR: required: rate of EUR in BRL on 2026-11-25"}},
		{"rate missing, Turkey", []edit{set("destination", "TR"), del("destination_subdivision"),
			set("importer_of_record.country", "TR"), set("importer_of_record.registrations", nil), set("exchange_rates", map[string]any{"EUR": "36.1"})},
			[]string{"exchange_rates.USD: required: rate of USD in TRY on 2026-11-25"}},
		{"rate zero", []edit{set("exchange_rates.USD", "0")}, []string{"exchange_rates.USD: " + mustBePositive}},
		{"rate negative", []edit{set("exchange_rates.USD", "-5.3")}, []string{"exchange_rates.USD: " + mustBePositive}},
		{"rate a number", []edit{set("exchange_rates.USD", raw("5.3"))},
			[]string{`exchange_rates.USD: must be a decimal string such as "5.3000", not a JSON number`}},
		{"rate too precise", []edit{set("exchange_rates.USD", "5.3000000000001")},
			[]string{"exchange_rates.USD: too precise: at most 12 digits after the decimal point"}},
		{"rate too large", []edit{set("exchange_rates.USD", "1000000000")},
			[]string{"exchange_rates.USD: must be less than 1000000000"}},
		{"rate of an unknown currency", []edit{set("exchange_rates.XBT", "500000")},
			[]string{`exchange_rates.XBT: unknown currency code "XBT" (want ISO 4217 in upper case, such as "USD")`}},
		{"rate of the local currency not 1", []edit{set("exchange_rates.BRL", "2")},
			[]string{"exchange_rates.BRL: must be 1 or left out: BRL is the currency of BR"}},
		{"rates not an object", []edit{set("exchange_rates", []any{})},
			[]string{"exchange_rates: must be a JSON object, not an array"}},

		// charges
		{"charge missing", []edit{del("charges.freight")}, []string{"charges.freight: required"}},
		{"charge negative", []edit{set("charges.insurance", "-1")}, []string{"charges.insurance: " + notNegative}},
		{"charge a number", []edit{set("charges.origin_inland", json.Number("0"))},
			[]string{"charges.origin_inland: " + numberMoney}},
		{"charge too large", []edit{set("charges.destination_inland", "1000000000000")},
			[]string{"charges.destination_inland: must be less than 1000000000000"}},
		{"charge unknown", []edit{set("charges.duty", "10")}, []string{"charges.duty: unknown field"}},

		// parties and registrations
		{"party name missing", []edit{del("exporter.name")}, []string{"exporter.name: required"}},
		{"party name too long", []edit{set("exporter.name", long(201))}, []string{"exporter.name: must be at most 200 characters"}},
		{"party country missing", []edit{del("importer_of_record.country")}, []string{"importer_of_record.country: required"}},
		{"end user name missing", []edit{del("end_user.name")}, []string{"end_user.name: required"}},
		{"registration scheme missing", []edit{del("importer_of_record.registrations.0.scheme")},
			[]string{"importer_of_record.registrations[0].scheme: required"}},
		{"registration scheme malformed", []edit{set("importer_of_record.registrations.0.scheme", "RADAR")},
			[]string{`importer_of_record.registrations[0].scheme: must be "<market>.<name>" in lower case, such as "br.radar"; not "RADAR"`}},
		{"registration id missing", []edit{del("importer_of_record.registrations.0.id")},
			[]string{"importer_of_record.registrations[0].id: required"}},
		{"registration level too long", []edit{set("importer_of_record.registrations.0.level", long(101))},
			[]string{"importer_of_record.registrations[0].level: must be at most 100 characters"}},

		// item lines
		{"line missing", []edit{del(item("line"))}, []string{"items[0].line: required"}},
		{"line zero", []edit{set(item("line"), json.Number("0"))}, []string{"items[0].line: " + mustBePositive}},
		{"line negative", []edit{set(item("line"), json.Number("-3"))}, []string{"items[0].line: " + mustBePositive}},
		{"line too large", []edit{set(item("line"), json.Number("1000001"))}, []string{"items[0].line: must be at most 1000000"}},
		{"line a string", []edit{set(item("line"), "1")}, []string{"items[0].line: must be a JSON integer such as 2, not a string"}},
		{"line duplicate", []edit{func(t testing.TB, doc map[string]any) {
			items := doc["items"].([]any)
			doc["items"] = append(items, items[0], items[0])
		}}, []string{"items[1].line: duplicate line number 1 (also items[0].line)", "items[2].line: duplicate line number 1 (also items[0].line)"}},
		{"description missing", []edit{del(item("description"))}, []string{"items[0].description: required"}},
		{"description too long", []edit{set(item("description"), long(1001))},
			[]string{"items[0].description: must be at most 1000 characters"}},
		{"sku too long", []edit{set(item("sku"), long(101))}, []string{"items[0].sku: must be at most 100 characters"}},
		{"model too long", []edit{set(item("model"), long(101))}, []string{"items[0].model: must be at most 100 characters"}},
		{"eccn too long", []edit{set(item("eccn"), long(31))}, []string{"items[0].eccn: must be at most 30 characters"}},
		{"tariff_exemption too long", []edit{set(item("tariff_exemption"), long(31))},
			[]string{"items[0].tariff_exemption: must be at most 30 characters"}},
		{"unknown item field", []edit{set(item("colour"), "red")}, []string{"items[0].colour: unknown field"}},

		// HS code: the form only
		{"hs_code missing", []edit{del(item("hs_code"))}, []string{"items[0].hs_code: required"}},
		{"hs_code too short", []edit{set(item("hs_code"), "8471")},
			[]string{`items[0].hs_code: malformed HS code "8471": want 6 to 12 digits, got 4`}},
		{"hs_code letters", []edit{set(item("hs_code"), "8471.5O")},
			[]string{`items[0].hs_code: malformed HS code "8471.5O": only digits, dots and spaces are allowed`}},
		{"hs_code a number", []edit{set(item("hs_code"), json.Number("847150"))},
			[]string{"items[0].hs_code: must be a string, not a number"}},

		// quantities
		{"quantity missing", []edit{del(item("quantity"))}, []string{"items[0].quantity: required"}},
		{"quantity zero", []edit{set(item("quantity"), json.Number("0"))}, []string{"items[0].quantity: " + mustBePositive}},
		{"quantity negative", []edit{set(item("quantity"), json.Number("-1"))}, []string{"items[0].quantity: " + mustBePositive}},
		{"quantity fraction", []edit{set(item("quantity"), raw("1.5"))},
			[]string{"items[0].quantity: must be a whole number such as 2, not 1.5"}},
		{"quantity exponent", []edit{set(item("quantity"), raw("1e3"))},
			[]string{"items[0].quantity: must be a whole number such as 2, not 1e3"}},
		{"quantity a string", []edit{set(item("quantity"), "2")},
			[]string{"items[0].quantity: must be a JSON integer such as 2, not a string"}},
		{"quantity too large", []edit{set(item("quantity"), json.Number("10000001"))},
			[]string{"items[0].quantity: must be at most 10000000"}},
		{"quantity absurd", []edit{set(item("quantity"), raw(strings.Repeat("9", 400)))},
			[]string{"items[0].quantity: too large"}},

		// money
		{"unit_value missing", []edit{del(item("unit_value"))}, []string{"items[0].unit_value: required"}},
		{"unit_value a number", []edit{set(item("unit_value"), json.Number("9700"))}, []string{"items[0].unit_value: " + numberMoney}},
		{"unit_value zero", []edit{set(item("unit_value"), "0.00")}, []string{"items[0].unit_value: " + mustBePositive}},
		{"unit_value negative", []edit{set(item("unit_value"), "-12.50")}, []string{"items[0].unit_value: " + mustBePositive}},
		{"unit_value too large", []edit{set(item("unit_value"), "1000000000000")},
			[]string{"items[0].unit_value: must be less than 1000000000000"}},
		{"unit_value absurd exponent", []edit{set(item("unit_value"), "1e1000000")},
			[]string{`items[0].unit_value: must be a plain decimal such as "12.50", not "1e1000000"`}},
		{"unit_value 5000 digits", []edit{set(item("unit_value"), strings.Repeat("9", 5000))},
			[]string{`items[0].unit_value: must be a plain decimal such as "12.50"`}},
		{"unit_value 16 integer digits", []edit{set(item("unit_value"), strings.Repeat("9", 16))},
			[]string{"items[0].unit_value: too large: at most 15 digits before the decimal point"}},
		{"unit_value too precise", []edit{set(item("unit_value"), "1.00000000001")},
			[]string{"items[0].unit_value: too precise: at most 10 digits after the decimal point"}},
		{"unit_value empty", []edit{set(item("unit_value"), "")},
			[]string{`items[0].unit_value: must be a plain decimal such as "12.50", not ""`}},
		{"unit_value grouped", []edit{set(item("unit_value"), "9,700.00")},
			[]string{`items[0].unit_value: must be a plain decimal such as "12.50", not "9,700.00"`}},
		{"unit_value two points", []edit{set(item("unit_value"), "12.5.0")},
			[]string{`items[0].unit_value: must be a plain decimal such as "12.50", not "12.5.0"`}},
		{"unit_value leading point", []edit{set(item("unit_value"), ".5")},
			[]string{`items[0].unit_value: must be a plain decimal such as "12.50", not ".5"`}},
		{"net_weight_kg negative", []edit{set(item("net_weight_kg"), "-0.1")}, []string{"items[0].net_weight_kg: " + notNegative}},
		{"net_weight_kg too large", []edit{set(item("net_weight_kg"), "1000000")},
			[]string{"items[0].net_weight_kg: must be less than 1000000"}},
		{"tpp zero", []edit{set(item("tpp"), "0")}, []string{"items[0].tpp: " + mustBePositive}},
		{"tpp a number", []edit{set(item("tpp"), json.Number("4800"))},
			[]string{`items[0].tpp: must be a decimal string such as "4800", not a JSON number`}},

		// encryption
		{"encryption missing", []edit{del(item("encryption"))}, []string{"items[0].encryption: required"}},
		{"encryption present missing", []edit{del(item("encryption.present"))}, []string{"items[0].encryption.present: required"}},
		{"encryption present a string", []edit{set(item("encryption.present"), "yes")},
			[]string{"items[0].encryption.present: must be true or false, not a string"}},
		{"mass market without cryptography", []edit{set(item("encryption.present"), false)},
			[]string{"items[0].encryption.mass_market: must be false when present is false"}},

		// approvals held
		{"approval id missing", []edit{del(item("approvals_held.0.id"))}, []string{"items[0].approvals_held[0].id: required"}},
		{"approval id malformed", []edit{set(item("approvals_held.0.id"), "ANATEL")},
			[]string{`items[0].approvals_held[0].id: must be "<market>.<name>" in lower case, such as "br.radar"; not "ANATEL"`}},
		{"approval model blank", []edit{set(item("approvals_held.0.models"), []any{"X1", ""})},
			[]string{"items[0].approvals_held[0].models[1]: required"}},
		{"approval reference too long", []edit{set(item("approvals_held.0.reference"), long(101))},
			[]string{"items[0].approvals_held[0].reference: must be at most 100 characters"}},
		{"approvals too many", []edit{func(t testing.TB, doc map[string]any) {
			it := doc["items"].([]any)[0].(map[string]any)
			held := it["approvals_held"].([]any)
			for len(held) <= maxApprovals {
				held = append(held, held[0])
			}
			it["approvals_held"] = held
		}}, []string{"items[0].approvals_held: must list at most 50 approvals"}},

		// related party and documents
		{"related_party a string", []edit{set("related_party", "yes")},
			[]string{"related_party: must be true or false, not a string"}},
		{"documents not an array", []edit{set("documents", map[string]any{})},
			[]string{"documents: must be a JSON array, not an object"}},
		{"document type missing", []edit{set("documents", []any{map[string]any{"reference": "INV-1"}})},
			[]string{"documents[0].type: required"}},
		{"document type unknown", []edit{set("documents", []any{map[string]any{"type": "invoice"}})},
			[]string{`documents[0].type: must be one of commercial_invoice, packing_list, specification, declaration_of_conformity, certificate, end_user_certificate, airway_bill, bill_of_lading, certificate_of_origin; not "invoice"`}},
		{"document date not a real day", []edit{set("documents", []any{doc("declaration_of_conformity", "date", "2026-13-01")})},
			[]string{`documents[0].date: must be a real date written YYYY-MM-DD, not "2026-13-01"`}},
		{"document date out of range", []edit{set("documents", []any{doc("declaration_of_conformity", "date", "1999-01-01")})},
			[]string{"documents[0].date: must be between 2000-01-01 and 2099-12-31, not 1999-01-01"}},
		{"document reference too long", []edit{set("documents", []any{doc("packing_list", "reference", long(101))})},
			[]string{"documents[0].reference: must be at most 100 characters"}},
		{"document model blank", []edit{set("documents", []any{doc("certificate", "models", []any{"R1U-G5", " "})})},
			[]string{"documents[0].models[1]: required"}},
		{"document line unknown", []edit{set("documents", []any{doc("certificate", "lines", []any{json.Number("1"), json.Number("7")})})},
			[]string{"documents[0].lines[1]: no item has line 7"}},
		{"document line duplicate", []edit{set("documents", []any{doc("certificate", "lines", []any{json.Number("1"), json.Number("1")})})},
			[]string{"documents[0].lines[1]: duplicate line 1"}},
		{"document line zero", []edit{set("documents", []any{doc("certificate", "lines", []any{json.Number("0")})})},
			[]string{"documents[0].lines[0]: must be greater than 0"}},
		{"document line a string", []edit{set("documents", []any{doc("certificate", "lines", []any{"1"})})},
			[]string{"documents[0].lines[0]: must be a JSON integer such as 2, not a string"}},
		{"document unknown field", []edit{set("documents", []any{doc("certificate", "colour", "red")})},
			[]string{"documents[0].colour: unknown field"}},
		{"documents too many", []edit{func(t testing.TB, d map[string]any) {
			var docs []any
			for range maxDocuments + 1 {
				docs = append(docs, doc("certificate", "reference", "C-1"))
			}
			d["documents"] = docs
		}}, []string{"documents: must list at most 100 documents"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := DecodeShipment(bytes.NewReader(edited(t, tt.edits...)))
			require.Error(t, err)
			require.Equal(t, tt.want, lines(t, err))
			require.Empty(t, cmp.Diff(Shipment{}, s, shipmentCmp...), "a failed decode returns the zero Shipment")

			var fe *FieldError
			require.ErrorAs(t, err, &fe)
		})
	}
}

func TestDecodeShipmentValidVariants(t *testing.T) {
	tests := []struct {
		name  string
		edits []edit
	}{
		{"tpp null", []edit{set("items.0.tpp", nil)}},
		{"tpp given", []edit{set("items.0.tpp", "4800.5")}},
		{"optional fields left out", []edit{del("items.0.sku"), del("items.0.radio"), del("items.0.eccn"),
			del("items.0.tpp"), del("items.0.approvals_held"), del("items.0.net_weight_kg"), del("end_user.headquarters_country")}},
		{"radio listed", []edit{set("items.0.radio", []any{"wifi", "bluetooth"})}},
		{"same currency needs no rate", []edit{set("currency", "BRL"), del("exchange_rates")}},
		{"local currency rate of 1", []edit{set("exchange_rates.BRL", "1.0000")}},
		{"extra rates", []edit{set("exchange_rates.EUR", "6.1234")}},
		{"subdivision not required elsewhere", []edit{set("destination", "TR"), del("destination_subdivision"),
			set("exchange_rates", map[string]any{"USD": "41.5"})}},
		{"subdivision of a country without a list", []edit{set("destination", "TR"), set("destination_subdivision", "TR-34"),
			set("exchange_rates", map[string]any{"USD": "41.5"})}},
		{"subdivision left out: without checks the package needs none", []edit{del("destination_subdivision")}},
		{"any well-formed subdivision of the destination", []edit{set("destination_subdivision", "BR-XX")}},
		{"hs6 only", []edit{set("items.0.hs_code", "847150")}},
		{"charges with decimals", []edit{set("charges.freight", "3000.125")}},
		{"leading zeros", []edit{set("items.0.unit_value", "0009700.00")}},
		{"VND rate precision", []edit{set("destination", "VN"), del("destination_subdivision"),
			set("exchange_rates", map[string]any{"USD": "26345.5"}), set("currency", "USD")}},
		{"mass_market left out", []edit{del("items.0.encryption.mass_market")}},
		{"approval valid_until left out", []edit{del("items.0.approvals_held.0.valid_until")}},
		{"related party", []edit{set("related_party", true)}},
		{"documents null", []edit{set("documents", nil)}},
		{"documents listed", []edit{set("documents", []any{
			map[string]any{"type": "commercial_invoice", "reference": "INV-1", "date": "2026-11-20"},
			map[string]any{"type": "packing_list"},
			map[string]any{"type": "declaration_of_conformity", "date": "2026-01-15", "models": []any{"R1U-G5"}, "lines": []any{json.Number("1")}},
		})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := DecodeShipment(bytes.NewReader(edited(t, tt.edits...)))
			require.NoError(t, err)
			require.NoError(t, s.Validate())
		})
	}
}

func TestDecodeShipmentDocument(t *testing.T) {
	valid := string(sample(t))
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "empty input: want a JSON object holding one shipment"},
		{"blank", " \n\t ", "empty input: want a JSON object holding one shipment"},
		{"array", "[" + valid + "]", "must be a JSON object holding one shipment, not an array"},
		{"string", `"SHP-1"`, "must be a JSON object holding one shipment, not a string"},
		{"null", `null`, "must be a JSON object holding one shipment, not null"},
		{"two objects", valid + "\n{}", "unexpected data after the shipment object at line 22, column 1"},
		{"trailing garbage", "{} x", "unexpected data after the shipment object at line 1, column 4"},
		{"truncated", valid[:100], "malformed JSON: unexpected end of input"},
		{"syntax error", "{\n  \"id\": \"a\",,\n}", "malformed JSON at line 2, column 13: invalid character ',' looking for beginning of object key string"},
		{"too large", `{"id": "` + strings.Repeat("a", MaxShipmentBytes) + `"}`, "input larger than 8388608 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeShipment(strings.NewReader(tt.in))
			require.Equal(t, []string{tt.want}, lines(t, err))
			fes := FieldErrors(err)
			require.Equal(t, "", fes[0].Path)
		})
	}
}

func TestDecodeShipmentDuplicateField(t *testing.T) {
	in := strings.Replace(string(sample(t)), `"id": "SHP-1",`, `"id": "SHP-1", "id": "SHP-2",`, 1)
	_, err := DecodeShipment(strings.NewReader(in))
	require.Equal(t, []string{"id: duplicate field"}, lines(t, err))
}

func TestDecodeShipmentReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := DecodeShipment(iotest.ErrReader(boom))
	require.ErrorIs(t, err, boom)
	require.Empty(t, FieldErrors(err), "a read error is not an input problem")

	_, err = DecodeShipment(nil)
	require.Len(t, FieldErrors(err), 1)
}

func TestDecodeShipmentTooManyItems(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"id":"S","date":"2026-11-25","origin":"US","destination":"BR","destination_subdivision":"BR-SP",` +
		`"incoterm":"FOB","transport_mode":"sea","currency":"BRL",` +
		`"charges":{"origin_inland":"0","freight":"0","insurance":"0","destination_handling":"0","destination_inland":"0"},` +
		`"exporter":{"name":"A","country":"US"},"importer_of_record":{"name":"B","country":"BR"},` +
		`"end_user":{"name":"C","country":"BR"},"items":[`)
	for i := range MaxItems + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"line":%d,"description":"d","category":"rack","hs_code":"940320","quantity":1,`+
			`"unit_value":"1","condition":"new","country_of_origin":"CN","encryption":{"present":false}}`, i+1)
	}
	b.WriteString("]}")
	require.Less(t, b.Len(), MaxShipmentBytes)

	_, err := DecodeShipment(strings.NewReader(b.String()))
	require.Equal(t, []string{"items: must list at most 10000 items"}, lines(t, err))
}

// TestDecodeShipmentAllProblems checks that one call reports every problem,
// in document order, decode and validation problems alike.
func TestDecodeShipmentAllProblems(t *testing.T) {
	in := edited(t,
		set("items.0.unit_value", json.Number("9700")),
		set("date", "2026-02-30"),
		del("exchange_rates"),
		set("incoterm", "FOX"),
		set("items.0.radio", []any{"wifi", "wifi"}),
		set("items.0.quantity", raw("1.5")),
		set("importer_of_record.registrations.0.scheme", ""),
		set("items.0.bogus", true),
		set("bogus", 1),
	)
	_, err := DecodeShipment(bytes.NewReader(in))
	want := []string{
		`date: must be a real date written YYYY-MM-DD, not "2026-02-30"`,
		`incoterm: must be one of EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF; not "FOX"`,
		"exchange_rates.USD: required: rate of USD in BRL on the shipment date",
		"importer_of_record.registrations[0].scheme: required",
		"items[0].quantity: must be a whole number such as 2, not 1.5",
		`items[0].unit_value: must be a decimal string such as "12.50", not a JSON number`,
		`items[0].radio[1]: duplicate radio "wifi"`,
		"items[0].bogus: unknown field",
		"bogus: unknown field",
	}
	require.Equal(t, want, lines(t, err))

	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "date", fe.Path, "errors.As finds the first problem")
}

func TestDecodeShipmentProblemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range maxProblems + 10 {
		fmt.Fprintf(&b, `"x%d":0,`, i)
	}
	b.WriteString(`"y":0}`)
	_, err := DecodeShipment(strings.NewReader(b.String()))
	fes := FieldErrors(err)
	require.Len(t, fes, maxProblems+1)
	require.Equal(t, "id", fes[0].Path, "the cap keeps the first problems in document order")
	require.Empty(t, fes[maxProblems].Path)
	require.Regexp(t, `^\d+ more problems not reported$`, fes[maxProblems].Msg)
}

// TestMarshalShipment checks that json.Marshal of a Shipment writes the
// contract's form: money as decimal strings, the HS code dotted, dates
// YYYY-MM-DD, tpp as a string.
func TestMarshalShipment(t *testing.T) {
	s, err := DecodeShipment(bytes.NewReader(edited(t, set("items.0.tpp", "4800.5"), set("items.0.radio", []any{"wifi"}),
		set("related_party", true), set("end_user.ownership", owned(owner("DC Holding SA", "BR", "60"), owner("Fundo Y", "US", "25.5"))),
		set("importer_of_record.ownership", owned()), set("documents", []any{
			map[string]any{"type": "commercial_invoice", "reference": "INV-1", "date": "2026-11-20"},
			map[string]any{"type": "declaration_of_conformity", "date": "2026-01-15", "models": []any{"R1U-G5"}, "lines": []any{json.Number("1")}},
		}))))
	require.NoError(t, err)
	got, err := json.MarshalIndent(s, "", "  ")
	require.NoError(t, err)
	golden.Check(t, filepath.Join("testdata", "shipment_marshaled.golden.json"), string(got)+"\n")

	again, err := DecodeShipment(bytes.NewReader(got))
	require.NoError(t, err)
	require.Empty(t, cmp.Diff(s, again, shipmentCmp...))
}

func TestFieldErrors(t *testing.T) {
	a := &FieldError{Path: "id", Msg: "required"}
	b := &FieldError{Path: "items[0].line", Msg: "must be greater than 0"}
	joined := errors.Join(a, errors.New("other"), b)
	require.Equal(t, []*FieldError{a, b}, FieldErrors(fmt.Errorf("decoding: %w", joined)))
	require.Nil(t, FieldErrors(nil))
	require.Nil(t, FieldErrors(errors.New("plain")))
	require.Equal(t, "must be greater than 0", (&FieldError{Msg: "must be greater than 0"}).Error())
}

// TestShipmentChecks: a caller's check of the destination subdivision
// (SubdivisionCheck) is listed with every other problem, in document order,
// by DecodeShipment and Validate alike; it runs only on a valid destination
// and a subdivision that is empty or one of the destination's, and a
// problem the decoder found at the field replaces it.
func TestShipmentChecks(t *testing.T) {
	type call struct {
		dest Country
		sub  Subdivision
	}
	var calls []call
	// A market "BR" whose taxes need a subdivision and which knows BR-SP
	// and BR-RJ only.
	check := SubdivisionCheck(func(dest Country, sub Subdivision) string {
		calls = append(calls, call{dest, sub})
		switch {
		case dest != "BR":
		case sub == "":
			return "needed"
		case sub != "BR-SP" && sub != "BR-RJ":
			return "not known"
		}
		return ""
	})
	otherProblems := []edit{set("date", "2026-02-30"), set("items.0.quantity", json.Number("0"))}
	tests := []struct {
		name   string
		checks []Check
		edits  []edit
		want   []string
		calls  []call
	}{
		{"a subdivision the check wants, among other problems", []Check{check},
			append([]edit{del("destination_subdivision")}, otherProblems...),
			[]string{`date: must be a real date written YYYY-MM-DD, not "2026-02-30"`,
				"destination_subdivision: needed", "items[0].quantity: must be greater than 0"},
			[]call{{"BR", ""}}},
		{"without the check", nil,
			append([]edit{del("destination_subdivision")}, otherProblems...),
			[]string{`date: must be a real date written YYYY-MM-DD, not "2026-02-30"`,
				"items[0].quantity: must be greater than 0"},
			nil},
		{"the zero Check checks nothing", []Check{{}}, []edit{del("destination_subdivision")}, nil, nil},
		{"a code the check does not know", []Check{check}, []edit{set("destination_subdivision", "BR-MG")},
			[]string{"destination_subdivision: not known"}, []call{{"BR", "BR-MG"}}},
		{"a code the check knows", []Check{check}, []edit{set("destination_subdivision", "BR-RJ")},
			nil, []call{{"BR", "BR-RJ"}}},
		{"every check runs", []Check{check, check}, []edit{set("destination_subdivision", "BR-MG")},
			[]string{"destination_subdivision: not known", "destination_subdivision: not known"},
			[]call{{"BR", "BR-MG"}, {"BR", "BR-MG"}}},
		{"malformed: not checked", []Check{check}, []edit{set("destination_subdivision", "SP")},
			[]string{`destination_subdivision: malformed subdivision "SP" (want an ISO 3166-2 code such as "BR-SP")`}, nil},
		{"another country's: not checked", []Check{check}, []edit{set("destination_subdivision", "AR-B")},
			[]string{`destination_subdivision: must be a subdivision of the destination BR, not "AR-B"`}, nil},
		{"destination unknown: not checked", []Check{check},
			[]edit{set("destination", "ZZ"), del("destination_subdivision")},
			[]string{`destination: unknown country code "ZZ" (want ISO 3166-1 alpha-2 in upper case, such as "BR")`}, nil},
		{"the decoder's problem at the field comes first", []Check{check},
			[]edit{set("destination_subdivision", json.Number("35"))},
			[]string{"destination_subdivision: must be a string, not a number"}, []call{{"BR", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := edited(t, tt.edits...)
			calls = nil
			_, err := DecodeShipment(bytes.NewReader(doc), tt.checks...)
			require.Equal(t, tt.want, lines(t, err), "DecodeShipment")
			require.Equal(t, tt.calls, calls, "calls of DecodeShipment")

			// Validate lists the same problems of the shipment as decoded
			// without the check.
			s, err := DecodeShipment(bytes.NewReader(doc))
			if err != nil {
				return // the decoder's own problems: Validate sees another shipment
			}
			calls = nil
			require.Equal(t, tt.want, lines(t, s.Validate(tt.checks...)), "Validate")
			require.Equal(t, tt.calls, calls, "calls of Validate")
		})
	}

	t.Run("Validate lists the check's problem in document order", func(t *testing.T) {
		s, err := DecodeShipment(bytes.NewReader(sample(t)))
		require.NoError(t, err)
		s.ID, s.DestinationSubdivision, s.Items[0].Quantity = "", "", 0
		require.Equal(t, []string{"id: required", "destination_subdivision: needed", "items[0].quantity: must be greater than 0"},
			lines(t, s.Validate(check)))
	})
}

package markets_test

import (
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// strictRollout is a valid rollout of one market; the tests below edit its
// text.
const strictRollout = `{"shipment": {"id": "R-1", "date": "2026-12-01", "origin": "US", "incoterm": "CIF",
  "transport_mode": "air", "currency": "USD",
  "charges": {"origin_inland": "0", "freight": "10.00", "insurance": "1.00", "destination_handling": "0", "destination_inland": "0"},
  "exporter": {"name": "Acme Inc", "country": "US"},
  "end_user": {"name": "DC Ltd", "country": "GB"},
  "items": [{"line": 1, "description": "1U rack server", "category": "server", "hs_code": "8471.50", "quantity": 1,
    "unit_value": "1000.00", "net_weight_kg": "18", "condition": "new", "country_of_origin": "MX", "radio": [],
    "encryption": {"present": false, "mass_market": false}}]},
 "markets": {"TR": {"importer_of_record": {"name": "IOR AS", "country": "TR", "registrations": [{"scheme": "tr.vkn", "id": "1"}]},
   "exchange_rates": {"USD": "43.1200"}}}}`

// ownEndUser gives market TR of the rollout text in its own end user.
func ownEndUser(rollout string) string {
	return strings.Replace(rollout, `"exchange_rates": {"USD": "43.1200"}}`,
		`"exchange_rates": {"USD": "43.1200"}, "end_user": {"name": "DC AS", "country": "TR"}}`, 1)
}

// hsCodes gives market TR of strictRollout the hs_codes value v.
func hsCodes(v string) string {
	return strings.Replace(strictRollout, `"exchange_rates": {"USD": "43.1200"}}`,
		`"exchange_rates": {"USD": "43.1200"}, "hs_codes": `+v+`}`, 1)
}

// TestDecodeRolloutStrict checks that the -rollout file is decoded as
// strictly as a shipment (issue 16, B13, B7, B14).
func TestDecodeRolloutStrict(t *testing.T) {
	edit := func(old, new string) string {
		t.Helper()
		require.Equal(t, 1, strings.Count(strictRollout, old), old)
		return strings.Replace(strictRollout, old, new, 1)
	}
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"valid", strictRollout, nil},
		{"a second shipment key", edit(`"markets": {`, `"shipment": {}, "markets": {`), []string{"shipment: duplicate field"}},
		{"a second shipment key after a null one", edit(`{"shipment": {`, `{"shipment": null, "shipment": {`),
			[]string{"shipment: duplicate field", "shipment: required"}},
		// The first of two wins, as in a shipment.
		{"a second markets key", edit(`"markets": {`, `"markets": {}, "markets": {`),
			[]string{"markets: duplicate field", "markets: required: at least one market"}},
		{"a second markets key after a null one", edit(`"markets": {`, `"markets": null, "markets": {`),
			[]string{"markets: duplicate field", "markets: required: at least one market"}},
		{"a duplicate field in a market", edit(`"exchange_rates": {"USD": "43.1200"}`, `"exchange_rates": {"USD": "43.1200"}, "exchange_rates": {}`),
			[]string{"markets[TR].exchange_rates: duplicate field"}},
		{"a duplicate field in the base", edit(`"origin": "US",`, `"origin": "US", "origin": "CN",`),
			[]string{"shipment.origin: duplicate field"}},
		{"a duplicate end user in the base, every market giving its own", ownEndUser(strings.Replace(strictRollout,
			`"end_user": {"name": "DC Ltd", "country": "GB"},`, `"end_user": {"name": "DC Ltd", "country": "GB"}, "end_user": null,`, 1)),
			[]string{"shipment.end_user: duplicate field"}},
		{"a duplicate destination in the base", edit(`"origin": "US",`, `"origin": "US", "destination": "TR", "destination": "SA",`),
			[]string{"shipment.destination: duplicate field",
				"shipment.destination: not allowed in a rollout: each key of markets is a destination"}},
		{"a rate as a JSON number", edit(`"USD": "43.1200"`, `"USD": 43.12`),
			[]string{`markets[TR].exchange_rates.USD: must be a decimal string such as "5.3000", not a JSON number`}},
		{"a lone surrogate in the base", edit(`"1U rack server"`, `"1U rack\ud800 server"`),
			[]string{`shipment.items[0].description: invalid UTF-16: lone surrogate \ud800`}},
		{"invalid UTF-8 in a market", edit(`"IOR AS"`, "\"IOR \xff AS\""),
			[]string{"markets[TR].importer_of_record.name: invalid UTF-8"}},
		{"a bidi override in a market", edit(`"IOR AS"`, `"IOR \u202e AS"`),
			[]string{"markets[TR].importer_of_record.name: must not contain the bidirectional formatting character U+202E"}},
		{"invalid UTF-8 in a top-level key", edit(`"markets": {`, "\"mark\xffets\": 1, \"markets\": {"),
			[]string{"field name: invalid UTF-8"}},
		{"a lone surrogate in a market key", edit(`"TR": {`, `"T\udc00": {}, "TR": {`),
			[]string{`markets: field name: invalid UTF-16: lone surrogate \udc00`}},
		{"a lone surrogate in a market field name", edit(`"exchange_rates": {"USD"`, `"exch\ud800": 1, "exchange_rates": {"USD"`),
			[]string{`markets[TR]: field name: invalid UTF-16: lone surrogate \ud800`}},
		{"a lone surrogate in a base field name", edit(`"origin": "US",`, `"origin": "US", "or\ud800": 1,`),
			[]string{`shipment: field name: invalid UTF-16: lone surrogate \ud800`}},
		// A market's national tariff lines (issue 18).
		{"a tariff line", hsCodes(`{"1": "8471.50.10"}`), nil},
		{"null tariff lines", hsCodes(`null`), nil},
		{"a tariff line beside the item's own national line", strings.Replace(hsCodes(`{"1": "8471 50 10"}`),
			`"hs_code": "8471.50"`, `"hs_code": "8471.50.90"`, 1), nil},
		{"tariff lines not an object", hsCodes(`["8471.50.10"]`),
			[]string{`markets[TR].hs_codes: must be a JSON object of HS codes by line number, such as {"5": "8504.40.11"}, not an array`}},
		{"a tariff line for a line no item has", hsCodes(`{"2": "8471.50.10"}`),
			[]string{`markets[TR].hs_codes["2"]: no item has line 2`}},
		{"a tariff line keyed by a word", hsCodes(`{"one": "8471.50.10"}`),
			[]string{`markets[TR].hs_codes["one"]: unknown field: want an item's line number, such as "5"`}},
		{"a tariff line keyed with a leading zero", hsCodes(`{"01": "8471.50.10"}`),
			[]string{`markets[TR].hs_codes["01"]: unknown field: want an item's line number, such as "5"`}},
		{"a tariff line keyed by a negative number", hsCodes(`{"-1": "8471.50.10"}`),
			[]string{`markets[TR].hs_codes["-1"]: unknown field: want an item's line number, such as "5"`}},
		{"a malformed tariff line", hsCodes(`{"1": "8471.50.1X"}`),
			[]string{`markets[TR].hs_codes["1"]: malformed HS code "8471.50.1X": only digits, dots and spaces are allowed`}},
		{"a tariff line too short", hsCodes(`{"1": "8471"}`),
			[]string{`markets[TR].hs_codes["1"]: malformed HS code "8471": want 6 to 12 digits, got 4`}},
		{"a tariff line as a JSON number", hsCodes(`{"1": 84715010}`),
			[]string{`markets[TR].hs_codes["1"]: must be an HS code written as a string, such as "8504.40.11", not a number`}},
		{"a null tariff line", hsCodes(`{"1": null}`),
			[]string{`markets[TR].hs_codes["1"]: must be an HS code written as a string, such as "8504.40.11", not null`}},
		{"a tariff line under another HS-6", hsCodes(`{"1": "8517.62.90"}`),
			[]string{`markets[TR].hs_codes["1"]: 8517.62.90 is not under 8471.50, the HS-6 subheading line 1 declares: a national tariff line must extend it`}},
		{"a line given twice", hsCodes(`{"1": "8471.50.10", "1": "8471.50.90"}`),
			[]string{`markets[TR].hs_codes["1"]: duplicate field`}},
		{"tariff lines given twice", hsCodes(`{"1": "8471.50.10"}, "hs_codes": {}`),
			[]string{`markets[TR].hs_codes: duplicate field`}},
		{"invalid UTF-8 in a tariff line", hsCodes("{\"1\": \"8471.50\xff\"}"),
			[]string{`markets[TR].hs_codes["1"]: invalid UTF-8`}},
		{"a lone surrogate in a tariff line key", hsCodes(`{"\ud800": "8471.50.10"}`),
			[]string{`markets[TR].hs_codes: field name: invalid UTF-16: lone surrogate \ud800`}},
		{"a malformed tariff line and a base problem", strings.Replace(hsCodes(`{"1": 8471}`), `"quantity": 1,`, `"quantity": 0,`, 1),
			[]string{"shipment.items[0].quantity: must be greater than 0",
				`markets[TR].hs_codes["1"]: must be an HS code written as a string, such as "8504.40.11", not a number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := markets.DecodeRollout(strings.NewReader(tt.in))
			var got []string
			for _, fe := range iorules.FieldErrors(err) {
				got = append(got, fe.Error())
			}
			require.Equal(t, tt.want, got, "error: %v", err)
		})
	}
}

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

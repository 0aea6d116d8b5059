package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/schema"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

const (
	shipmentsDir = "../examples/shipments"
	goldenDir    = "../examples/prequalify/testdata"
)

// compiled holds the three schemas, compiled with format assertions on.
type compiled struct {
	shipment, rollout, decision *jsonschema.Schema
}

func compile(t testing.TB) compiled {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	for _, name := range schema.Names() {
		b, err := schema.File(name)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err, name)
		require.NoError(t, c.AddResource(schema.BaseURI+name, doc), name)
	}
	get := func(name string) *jsonschema.Schema {
		s, err := c.Compile(schema.BaseURI + name)
		require.NoError(t, err, name)
		return s
	}
	return compiled{get(schema.Shipment), get(schema.Rollout), get(schema.Decision)}
}

// validate reports the schema's verdict on the JSON document b.
func validate(s *jsonschema.Schema, b []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(doc)
}

func TestSchemasDeclareDraft202012AndTheirID(t *testing.T) {
	for _, name := range schema.Names() {
		t.Run(name, func(t *testing.T) {
			b, err := schema.File(name)
			require.NoError(t, err)
			var head struct {
				Schema string `json:"$schema"`
				ID     string `json:"$id"`
			}
			require.NoError(t, json.Unmarshal(b, &head))
			want := struct{ Schema, ID string }{"https://json-schema.org/draft/2020-12/schema", schema.BaseURI + name}
			if diff := cmp.Diff(want, struct{ Schema, ID string }{head.Schema, head.ID}); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExampleShipmentsValidate checks every sample in examples/shipments:
// the rollout samples against the rollout schema, the others against the
// shipment schema, and that the decoder accepts each too.
func TestExampleShipmentsValidate(t *testing.T) {
	sc := compile(t)
	files, err := filepath.Glob(filepath.Join(shipmentsDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			if strings.HasPrefix(filepath.Base(f), "rollout-") {
				_, err := markets.DecodeRollout(bytes.NewReader(b))
				require.NoError(t, err, "decoder")
				require.NoError(t, validate(sc.rollout, b), "schema")
				return
			}
			_, err = iorules.DecodeShipment(bytes.NewReader(b))
			require.NoError(t, err, "decoder")
			require.NoError(t, validate(sc.shipment, b), "schema")
		})
	}
}

// TestGoldenDecisionsValidate checks every decision in the CLI's golden
// files: single decisions, and each market's decision of a rollout.
func TestGoldenDecisionsValidate(t *testing.T) {
	sc := compile(t)
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json.golden"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			var probe map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &probe))
			if _, ok := probe["summary"]; !ok {
				require.NoError(t, validate(sc.decision, b))
				return
			}
			var res struct {
				Markets []struct {
					Market   string          `json:"market"`
					Decision json.RawMessage `json:"decision"`
				} `json:"markets"`
			}
			require.NoError(t, json.Unmarshal(b, &res))
			require.NotEmpty(t, res.Markets)
			for _, m := range res.Markets {
				require.NoError(t, validate(sc.decision, m.Decision), "market %s", m.Market)
			}
		})
	}
}

// TestProducedDecisionsValidate evaluates every sample shipment against
// every embedded market, with and without a restricted-party list that
// matches a party, and checks each decision against the schema. This
// reaches decisions the goldens do not hold: partial taxes, screening
// matches, declines in other markets.
func TestProducedDecisionsValidate(t *testing.T) {
	sc := compile(t)
	engine, err := markets.New()
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(shipmentsDir, "*.json"))
	require.NoError(t, err)
	var seen struct{ partial, screening, decline, valuationNull bool }
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "rollout-") {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		s, err := iorules.DecodeShipment(bytes.NewReader(b))
		require.NoError(t, err)
		screen := markets.WithScreening(exportctl.Options{
			Parties:   []exportctl.ListedParty{{Name: s.EndUser.Name, List: "EL", Source: "test"}},
			Threshold: 85,
		})
		for _, m := range engine.Markets() {
			for _, opts := range [][]markets.EvalOption{nil, {screen}} {
				d, err := engine.PrequalifyMarket(m, s, opts...)
				require.NoError(t, err)
				out, err := json.MarshalIndent(d, "", "  ")
				require.NoError(t, err)
				require.NoError(t, validate(sc.decision, out), "%s in %s", filepath.Base(f), m)
				seen.partial = seen.partial || len(d.NotComputed) > 0
				seen.screening = seen.screening || len(d.ExportControl.Screening) > 0
				seen.decline = seen.decline || d.Verdict == markets.Decline
				seen.valuationNull = seen.valuationNull || d.Valuation == nil
			}
		}
	}
	// A line no Brazilian table rates: a partial answer.
	b, err := os.ReadFile(filepath.Join(shipmentsDir, "br-servers-sp.json"))
	require.NoError(t, err)
	s, err := iorules.DecodeShipment(bytes.NewReader(b))
	require.NoError(t, err)
	odd := s.Items[0]
	odd.Line, odd.Description, odd.HSCode = 99, "signal generator", iorules.MustParseHSCode("8543.70.99")
	s.Items = append(s.Items, odd)
	d, err := engine.Prequalify(s)
	require.NoError(t, err)
	out, err := json.MarshalIndent(d, "", "  ")
	require.NoError(t, err)
	require.NoError(t, validate(sc.decision, out), "partial BR decision")
	seen.partial = seen.partial || len(d.NotComputed) > 0
	// The point of the loop is to reach these shapes; say if it stops.
	require.True(t, seen.screening, "no decision had a screening match")
	require.True(t, seen.decline, "no decision declined")
	require.True(t, seen.partial, "no decision had a tax not computed")
	require.True(t, seen.valuationNull, "no decision was unvalued")
	t.Logf("reached: partial taxes %v, screening %v, decline %v, unvalued %v", seen.partial, seen.screening, seen.decline, seen.valuationNull)
}

// TestDecisionSchemaIsStrict: a field the schema does not know, money as a
// JSON number and a wrong verdict are each rejected.
func TestDecisionSchemaIsStrict(t *testing.T) {
	sc := compile(t)
	b, err := os.ReadFile(filepath.Join(goldenDir, "br-servers-sp.json.golden"))
	require.NoError(t, err)
	tests := []struct {
		name   string
		mutate func(m map[string]any)
	}{
		{"unknown top-level field", func(m map[string]any) { m["colour"] = "blue" }},
		{"total_taxes as a JSON number", func(m map[string]any) { m["total_taxes"] = json.Number("12.50") }},
		{"tax amount as a JSON number", func(m map[string]any) {
			m["taxes"].([]any)[0].(map[string]any)["amount"] = json.Number("1")
		}},
		{"verdict outside the enum", func(m map[string]any) { m["verdict"] = "maybe" }},
		{"missing policy", func(m map[string]any) { delete(m, "policy") }},
		{"not_computed entry without its tax", func(m map[string]any) {
			m["not_computed"] = []any{map[string]any{"lines": []any{json.Number("1")}, "code": "fact_missing", "rule": "x", "message": "y"}}
		}},
	}
	require.NoError(t, validate(sc.decision, b), "the golden itself")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, validate(sc.decision, mutate(t, b, tc.mutate)))
		})
	}
	t.Run("partial fields are accepted", func(t *testing.T) {
		out := mutate(t, b, func(m map[string]any) {
			m["total_taxes"] = nil
			m["landed_cost"] = nil
			m["partial_total_taxes"] = "100.00"
			m["not_computed"] = []any{map[string]any{"tax": "br.icms", "lines": []any{json.Number("1")}, "code": "fact_missing", "rule": "br.icms", "message": "rate missing"}}
			m["taxes"].([]any)[0].(map[string]any)["partial"] = true
		})
		require.NoError(t, validate(sc.decision, out))
	})
}

// mutate decodes the JSON object b, applies f and encodes it again.
func mutate(t *testing.T, b []byte, f func(m map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	f(m)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func item0(m map[string]any) map[string]any { return m["items"].([]any)[0].(map[string]any) }

// TestSchemaAgreesWithDecoder feeds the same documents, each a valid sample
// with one change, to iorules.DecodeShipment and to the shipment schema,
// and checks that both accept or both reject it. Where the decoder rejects,
// the field it names must be the one changed.
func TestSchemaAgreesWithDecoder(t *testing.T) {
	sc := compile(t)
	base, err := os.ReadFile(filepath.Join(shipmentsDir, "br-servers-sp.json"))
	require.NoError(t, err)
	set := func(key string, v any) func(map[string]any) { return func(m map[string]any) { m[key] = v } }
	setItem := func(key string, v any) func(map[string]any) {
		return func(m map[string]any) { item0(m)[key] = v }
	}
	del := func(key string) func(map[string]any) { return func(m map[string]any) { delete(m, key) } }
	delItem := func(key string) func(map[string]any) { return func(m map[string]any) { delete(item0(m), key) } }
	charge := func(key string, v any) func(map[string]any) {
		return func(m map[string]any) { m["charges"].(map[string]any)[key] = v }
	}
	tests := []struct {
		name   string
		mutate func(map[string]any)
		valid  bool
		path   string // the path the decoder names, when invalid
	}{
		{name: "unchanged", mutate: func(map[string]any) {}, valid: true},

		// Money is a decimal string, never a JSON number.
		{name: "unit_value as a JSON number", mutate: setItem("unit_value", json.Number("9700.00")), path: "items[0].unit_value"},
		{name: "unit_value as a JSON integer", mutate: setItem("unit_value", json.Number("9700")), path: "items[0].unit_value"},
		{name: "freight as a JSON number", mutate: charge("freight", json.Number("3000")), path: "charges.freight"},
		{name: "exchange rate as a JSON number", mutate: set("exchange_rates", map[string]any{"USD": json.Number("5.3")}), path: "exchange_rates.USD"},
		{name: "tpp as a JSON number", mutate: setItem("tpp", json.Number("4800")), path: "items[0].tpp"},
		{name: "weight as a JSON number", mutate: setItem("net_weight_kg", json.Number("18.5")), path: "items[0].net_weight_kg"},

		// Decimal strings.
		{name: "unit_value in exponent form", mutate: setItem("unit_value", "9.7e3"), path: "items[0].unit_value"},
		{name: "unit_value with a trailing point", mutate: setItem("unit_value", "9700."), path: "items[0].unit_value"},
		{name: "unit_value with a leading point", mutate: setItem("unit_value", ".5"), path: "items[0].unit_value"},
		{name: "unit_value with a thousands separator", mutate: setItem("unit_value", "9,700.00"), path: "items[0].unit_value"},
		{name: "unit_value negative", mutate: setItem("unit_value", "-1.00"), path: "items[0].unit_value"},
		{name: "unit_value zero", mutate: setItem("unit_value", "0.00"), path: "items[0].unit_value"},
		{name: "unit_value too precise", mutate: setItem("unit_value", "1.12345678901"), path: "items[0].unit_value"},
		{name: "unit_value too large", mutate: setItem("unit_value", "1000000000000"), path: "items[0].unit_value"},
		{name: "unit_value just below the bound", mutate: setItem("unit_value", "999999999999.99"), valid: true},
		{name: "unit_value with leading zeros", mutate: setItem("unit_value", "0009700.5"), valid: true},
		{name: "freight zero", mutate: charge("freight", "0"), valid: true},
		{name: "freight negative", mutate: charge("freight", "-5"), path: "charges.freight"},
		{name: "rate zero", mutate: set("exchange_rates", map[string]any{"USD": "0"}), path: "exchange_rates.USD"},
		{name: "tpp zero", mutate: setItem("tpp", "0"), path: "items[0].tpp"},
		{name: "tpp given", mutate: setItem("tpp", "4800.5"), valid: true},

		// Required fields, and null for them.
		{name: "id missing", mutate: del("id"), path: "id"},
		{name: "id blank", mutate: set("id", "   "), path: "id"},
		{name: "items missing", mutate: del("items"), path: "items"},
		{name: "items empty", mutate: set("items", []any{}), path: "items"},
		{name: "charges missing", mutate: del("charges"), path: "charges"},
		{name: "charges.insurance missing", mutate: func(m map[string]any) { delete(m["charges"].(map[string]any), "insurance") }, path: "charges.insurance"},
		{name: "exporter.name missing", mutate: func(m map[string]any) { delete(m["exporter"].(map[string]any), "name") }, path: "exporter.name"},
		{name: "item unit_value missing", mutate: delItem("unit_value"), path: "items[0].unit_value"},
		{name: "item encryption missing", mutate: delItem("encryption"), path: "items[0].encryption"},
		{name: "encryption.present missing", mutate: setItem("encryption", map[string]any{"mass_market": false}), path: "items[0].encryption.present"},
		{name: "required date null", mutate: set("date", nil), path: "date"},
		{name: "required unit_value null", mutate: setItem("unit_value", nil), path: "items[0].unit_value"},
		{name: "optional tpp null", mutate: setItem("tpp", nil), valid: true},
		{name: "optional radio null", mutate: setItem("radio", nil), valid: true},
		{name: "optional sku left out", mutate: delItem("sku"), valid: true},
		{name: "optional related_party given", mutate: set("related_party", true), valid: true},

		// Enums.
		{name: "incoterm unknown", mutate: set("incoterm", "FOO"), path: "incoterm"},
		{name: "incoterm in lower case", mutate: set("incoterm", "fob"), path: "incoterm"},
		{name: "transport_mode unknown", mutate: set("transport_mode", "pipeline"), path: "transport_mode"},
		{name: "category unknown", mutate: setItem("category", "toaster"), path: "items[0].category"},
		{name: "condition unknown", mutate: setItem("condition", "broken"), path: "items[0].condition"},
		{name: "radio unknown", mutate: setItem("radio", []any{"laser"}), path: "items[0].radio[0]"},
		{name: "radio repeated", mutate: setItem("radio", []any{"wifi", "wifi"}), path: "items[0].radio[1]"},
		{name: "every category", mutate: func(m map[string]any) {
			items := m["items"].([]any)
			proto := item0(m)
			items = items[:0]
			for i, c := range iorules.Categories() {
				it := map[string]any{}
				for k, v := range proto {
					it[k] = v
				}
				it["line"] = json.Number(strconv.Itoa(i + 1))
				it["category"] = string(c)
				items = append(items, it)
			}
			m["items"] = items
		}, valid: true},

		// Other forms.
		{name: "unknown top-level field", mutate: set("colour", "blue"), path: "colour"},
		{name: "unknown item field", mutate: setItem("colour", "blue"), path: "items[0].colour"},
		{name: "date not a date", mutate: set("date", "2026-02-30"), path: "date"},
		{name: "date in another form", mutate: set("date", "25/11/2026"), path: "date"},
		{name: "quantity zero", mutate: setItem("quantity", json.Number("0")), path: "items[0].quantity"},
		{name: "quantity as a string", mutate: setItem("quantity", "10"), path: "items[0].quantity"},
		{name: "quantity with a fraction", mutate: setItem("quantity", json.Number("2.5")), path: "items[0].quantity"},
		{name: "line zero", mutate: setItem("line", json.Number("0")), path: "items[0].line"},
		{name: "hs_code with letters", mutate: setItem("hs_code", "8471.5A"), path: "items[0].hs_code"},
		{name: "hs_code too short", mutate: setItem("hs_code", "8471.5"), path: "items[0].hs_code"},
		{name: "hs_code with spaces", mutate: setItem("hs_code", "8471 50 10"), valid: true},
		{name: "hs_code doubled separator", mutate: setItem("hs_code", "8471..50"), path: "items[0].hs_code"},
		{name: "country in lower case", mutate: set("origin", "us"), path: "origin"},
		{name: "currency too long", mutate: set("currency", "USDX"), path: "currency"},
		{name: "registration scheme in upper case", mutate: func(m map[string]any) {
			m["importer_of_record"].(map[string]any)["registrations"] = []any{map[string]any{"scheme": "BR.RADAR", "id": "1"}}
		}, path: "importer_of_record.registrations[0].scheme"},
		{name: "mass_market without encryption", mutate: setItem("encryption", map[string]any{"present": false, "mass_market": true}), path: "items[0].encryption.mass_market"},
		{name: "document type unknown", mutate: set("documents", []any{map[string]any{"type": "receipt"}}), path: "documents[0].type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mutate(t, base, tc.mutate)
			_, decErr := iorules.DecodeShipment(bytes.NewReader(doc))
			schemaErr := validate(sc.shipment, doc)
			if tc.valid {
				require.NoError(t, decErr, "decoder")
				require.NoError(t, schemaErr, "schema")
				return
			}
			require.Error(t, decErr, "decoder accepted %s", doc)
			require.Error(t, schemaErr, "schema accepted %s", doc)
			var paths []string
			for _, fe := range iorules.FieldErrors(decErr) {
				paths = append(paths, fe.Path)
			}
			require.Contains(t, paths, tc.path, "decoder: %v", decErr)
			var ve *jsonschema.ValidationError
			require.True(t, errors.As(schemaErr, &ve), "schema error %T", schemaErr)
		})
	}
}

// TestDecoderOnlyChecks documents what the schema leaves to the decoder:
// checks that need data the schema does not carry, the market policies'
// (markets.Engine.ShipmentChecks) included. If the schema learns one of
// them, move the case to TestSchemaAgreesWithDecoder.
func TestDecoderOnlyChecks(t *testing.T) {
	sc := compile(t)
	engine, err := markets.New()
	require.NoError(t, err)
	base, err := os.ReadFile(filepath.Join(shipmentsDir, "br-servers-sp.json"))
	require.NoError(t, err)
	tests := []struct {
		name   string
		mutate func(map[string]any)
	}{
		{"unassigned country code", func(m map[string]any) { m["origin"] = "ZZ" }},
		{"origin equals destination", func(m map[string]any) { m["origin"] = "BR" }},
		{"no rate for the shipment currency", func(m map[string]any) { m["exchange_rates"] = map[string]any{"EUR": "6.1"} }},
		{"subdivision missing where taxes need it", func(m map[string]any) { delete(m, "destination_subdivision") }},
		{"duplicate line numbers", func(m map[string]any) {
			m["items"] = append(m["items"].([]any), item0(m))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mutate(t, base, tc.mutate)
			_, decErr := iorules.DecodeShipment(bytes.NewReader(doc), engine.ShipmentChecks()...)
			require.Error(t, decErr, "decoder")
			require.NoError(t, validate(sc.shipment, doc), "schema")
		})
	}
}

// TestRolloutSchemaAgreesWithDecoder does the same for the rollout.
func TestRolloutSchemaAgreesWithDecoder(t *testing.T) {
	sc := compile(t)
	base, err := os.ReadFile(filepath.Join(shipmentsDir, "rollout-nine-markets.json"))
	require.NoError(t, err)
	market := func(m map[string]any, c string) map[string]any {
		return m["markets"].(map[string]any)[c].(map[string]any)
	}
	tests := []struct {
		name   string
		mutate func(map[string]any)
		valid  bool
	}{
		{"unchanged", func(map[string]any) {}, true},
		{"freight as a JSON number", func(m map[string]any) {
			m["shipment"].(map[string]any)["charges"].(map[string]any)["freight"] = json.Number("9800")
		}, false},
		{"market rate as a JSON number", func(m map[string]any) {
			market(m, "TR")["exchange_rates"] = map[string]any{"USD": json.Number("43.12")}
		}, false},
		{"destination in the base", func(m map[string]any) { m["shipment"].(map[string]any)["destination"] = "TR" }, false},
		{"importer of record in the base", func(m map[string]any) {
			m["shipment"].(map[string]any)["importer_of_record"] = market(m, "TR")["importer_of_record"]
		}, false},
		{"unknown field in a market", func(m map[string]any) { market(m, "TR")["colour"] = "blue" }, false},
		{"market key not a code", func(m map[string]any) { m["markets"].(map[string]any)["turkey"] = market(m, "TR") }, false},
		{"no markets", func(m map[string]any) { m["markets"] = map[string]any{} }, false},
		{"market without importer of record", func(m map[string]any) { delete(market(m, "TR"), "importer_of_record") }, false},
		{"item category unknown", func(m map[string]any) { item0(m["shipment"].(map[string]any))["category"] = "toaster" }, false},
		// A market's national tariff lines (issue 18).
		{"tariff lines", func(m map[string]any) {
			market(m, "IN")["hs_codes"] = map[string]any{"2": "8517.62.90", "3": "8517 62 90"}
		}, true},
		{"null tariff lines", func(m map[string]any) { market(m, "IN")["hs_codes"] = nil }, true},
		{"tariff lines as an array", func(m map[string]any) { market(m, "IN")["hs_codes"] = []any{"8517.62.90"} }, false},
		{"tariff line keyed by a word", func(m map[string]any) { market(m, "IN")["hs_codes"] = map[string]any{"two": "8517.62.90"} }, false},
		{"tariff line keyed with a leading zero", func(m map[string]any) { market(m, "IN")["hs_codes"] = map[string]any{"02": "8517.62.90"} }, false},
		{"tariff line as a JSON number", func(m map[string]any) {
			market(m, "IN")["hs_codes"] = map[string]any{"2": json.Number("85176290")}
		}, false},
		{"tariff line malformed", func(m map[string]any) { market(m, "IN")["hs_codes"] = map[string]any{"2": "8517.62.9X"} }, false},
		{"tariff line too short", func(m map[string]any) { market(m, "IN")["hs_codes"] = map[string]any{"2": "8517"} }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mutate(t, base, tc.mutate)
			_, decErr := markets.DecodeRollout(bytes.NewReader(doc))
			schemaErr := validate(sc.rollout, doc)
			got := struct{ Decoder, Schema bool }{decErr == nil, schemaErr == nil}
			want := struct{ Decoder, Schema bool }{tc.valid, tc.valid}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("valid? (-want +got):\n%s\ndecoder: %v\nschema: %v", diff, decErr, schemaErr)
			}
		})
	}
}

// TestRolloutDecoderOnlyChecks documents what the rollout schema leaves to
// the decoder: a market's tariff line checked against the items it names.
func TestRolloutDecoderOnlyChecks(t *testing.T) {
	sc := compile(t)
	base, err := os.ReadFile(filepath.Join(shipmentsDir, "rollout-nine-markets.json"))
	require.NoError(t, err)
	tests := []struct {
		name  string
		codes map[string]any
	}{
		{"a tariff line for a line no item has", map[string]any{"9": "8517.62.90"}},
		{"a tariff line under another HS-6", map[string]any{"2": "8471.50.10"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := mutate(t, base, func(m map[string]any) {
				m["markets"].(map[string]any)["IN"].(map[string]any)["hs_codes"] = tc.codes
			})
			_, decErr := markets.DecodeRollout(bytes.NewReader(doc))
			require.Error(t, decErr, "decoder")
			require.NoError(t, validate(sc.rollout, doc), "schema")
		})
	}
}

func TestNamesMatchEmbeddedFiles(t *testing.T) {
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var onDisk []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			onDisk = append(onDisk, e.Name())
		}
	}
	names := schema.Names()
	slices.Sort(names)
	if diff := cmp.Diff(onDisk, names); diff != "" {
		t.Errorf("schema files (-disk +Names):\n%s", diff)
	}
}

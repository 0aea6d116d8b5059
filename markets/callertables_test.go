package markets_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// upsShipment is the mini sample with a UPS line the mini duty table does
// not rate.
func upsShipment(t *testing.T) iorules.Shipment {
	s := sample(t)
	ups := s.Items[1]
	ups.Line, ups.Description, ups.Category, ups.HSCode = 3, "10 kVA UPS", iorules.CategoryUPS, iorules.MustParseHSCode("8504.40")
	s.Items = append(s.Items, ups)
	return s
}

func miniFS(t *testing.T) fstest.MapFS {
	return fstest.MapFS{"zz.yaml": {Data: []byte(miniPolicy(t))}}
}

// TestCallerTableFillsAGap (issue 18 item 4): a broker's row for a line the
// policy does not rate makes the taxes complete, is cited in the decision,
// and changes the audit fingerprint.
func TestCallerTableFillsAGap(t *testing.T) {
	plain, err := markets.New(markets.WithPolicies(miniFS(t)))
	require.NoError(t, err)
	before, err := plain.Prequalify(upsShipment(t))
	require.NoError(t, err)
	require.Nil(t, before.TotalTaxes)

	tables, err := markets.DecodeTables(strings.NewReader(`{"TR": {"duty": [
	  {"key": "850440", "value": "0.02", "source": "Binding tariff information TR-2026-0042",
	   "confidence": "confirmed", "effective_from": "2026-01-01", "effective_to": "2027-12-31"}]}}`))
	require.NoError(t, err)
	engine, err := markets.New(markets.WithPolicies(miniFS(t)), markets.WithTables(tables))
	require.NoError(t, err)
	d, err := engine.Prequalify(upsShipment(t))
	require.NoError(t, err)
	require.NotNil(t, d.TotalTaxes, "%+v", d.NotComputed)
	require.Empty(t, d.NotComputed)
	r := reasonOf(t, d, markets.CodeCallerRate, "table duty")
	require.Contains(t, r.Message, "850440 = 0.02 was supplied by the caller (Binding tariff information TR-2026-0042)")
	require.NotEqual(t, plain.PolicySetSHA256(), engine.PolicySetSHA256())
	require.NotEqual(t, before.Audit.PolicySetSHA256, d.Audit.PolicySetSHA256)
}

// TestCallerTableTakesPrecedence: a caller row replaces the embedded rows
// of its key whose window it overlaps.
func TestCallerTableTakesPrecedence(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(miniFS(t)), markets.WithTables(markets.Tables{"TR": {"duty": {
		{Key: "851762", Value: decimal.RequireFromString("0.01"), Source: "broker's confirmation 77", Confidence: "confirmed"},
	}}}))
	require.NoError(t, err)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	for _, l := range d.Lines {
		if l.Line == 2 {
			require.Equal(t, "0.01", l.Taxes[0].Rate.String(), "the switch's duty comes from the caller's row")
		}
	}
	reasonOf(t, d, markets.CodeCallerRate, "table duty")
}

// TestCallerTableErrors: rows are validated like policy rows, and an
// unknown market or table is an error naming the row.
func TestCallerTableErrors(t *testing.T) {
	tests := []struct {
		name   string
		tables markets.Tables
		want   string
	}{
		{"unknown market", markets.Tables{"XX": {"duty": nil}}, "rule XX: no policy for market XX"},
		{"unknown table", markets.Tables{"TR": {"dutty": nil}}, `rule TR.dutty: the TR policy has no table "dutty"`},
		{"bad key", markets.Tables{"TR": {"duty": {{Key: "85.17", Value: decimal.NewFromInt(0), Source: "x", Confidence: "confirmed"}}}},
			"rule TR.duty[0].key: want 2 to 12 digits"},
		{"no source", markets.Tables{"TR": {"duty": {{Key: "8517", Value: decimal.NewFromInt(0), Confidence: "confirmed"}}}},
			"rule TR.duty[0].source: required"},
		{"negative", markets.Tables{"TR": {"duty": {{Key: "8517", Value: decimal.NewFromInt(-1), Source: "x", Confidence: "confirmed"}}}},
			"rule TR.duty[0].value: must not be negative"},
		{"inverted window", markets.Tables{"TR": {"duty": {{Key: "8517", Value: decimal.NewFromInt(0), Source: "x", Confidence: "sure",
			EffectiveFrom: iorules.MustParseDate("2027-01-01"), EffectiveTo: iorules.MustParseDate("2026-01-01")}}}},
			"rule TR.duty[0].effective_to: 2026-01-01 is before effective_from 2027-01-01"},
		{"overlapping rows", markets.Tables{"TR": {"duty": {
			{Key: "8517", Value: decimal.NewFromInt(0), Source: "x", Confidence: "confirmed"},
			{Key: "8517", Value: decimal.NewFromInt(1), Source: "y", Confidence: "confirmed"}}}},
			"rule TR.duty[1]: overlaps in time TR.duty[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := markets.New(markets.WithPolicies(miniFS(t)), markets.WithTables(tt.tables))
			var le *markets.LoadError
			require.True(t, errors.As(err, &le), "%v", err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestDecodeTablesIsStrict: the tables document is decoded as strictly as
// a shipment, every problem named by its path.
func TestDecodeTablesIsStrict(t *testing.T) {
	tests := []struct{ src, want string }{
		{`{"TR": {"duty": [{"key": "8517", "value": 0.05, "source": "x", "confidence": "confirmed"}]}}`,
			`TR.duty[0].value: must be a decimal string such as "0.05", not a JSON number`},
		{`{"TR": {"duty": [{"key": "8517", "value": "0.05", "source": "x", "confidence": "confirmed", "colour": 1}]}}`,
			`TR.duty[0].colour: unknown field`},
		{`{"TR": {"duty": []}, "TR": {}}`, `TR: duplicate field`},
		{`{"tr": {}}`, `tr: want a market's ISO country code`},
		{`{"TR": {"duty": [{"value": "1e3", "source": "x", "confidence": "confirmed"}]}}`,
			`TR.duty[0].value: must be a plain decimal string`},
		{`{"TR": {"duty": [{"key": "8517", "value": "0.05", "source": "x", "confidence": "confirmed", "effective_from": "2026-02-30"}]}}`,
			`TR.duty[0].effective_from`},
		{`{"TR": {}} {}`, ``},
		{"{\"TR\": {\"du\xffty\": []}}", `invalid UTF-8`},
	}
	for _, tt := range tests {
		_, err := markets.DecodeTables(strings.NewReader(tt.src))
		require.Error(t, err, tt.src)
		require.NotEmpty(t, iorules.FieldErrors(err), "%v", err)
		require.Contains(t, err.Error(), tt.want)
	}
	_, err := markets.DecodeTables(strings.NewReader(`{"TR": {"duty": [{"value": "1"}]}}`))
	require.ErrorContains(t, err, "TR.duty[0].key: required")
}

// FuzzDecodeTables: decoding never panics, fails only with field errors,
// and what it accepts loads or fails with a *LoadError.
func FuzzDecodeTables(f *testing.F) {
	mini, err := os.ReadFile("testdata/mini/zz.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"TR": {"duty": [{"key": "850440", "value": "0.02", "source": "BTI 1", "confidence": "confirmed", "effective_from": "2026-01-01"}]}}`))
	f.Add([]byte(`{"TR": {"vat": [{"key": "standard", "value": "0.18", "source": "x", "confidence": "unconfirmed"}]}, "BR": {}}`))
	f.Add([]byte(`{"XX": {"duty": null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tables, err := markets.DecodeTables(strings.NewReader(string(data)))
		if err != nil {
			if len(iorules.FieldErrors(err)) == 0 {
				t.Fatalf("error without field errors: %v", err)
			}
			return
		}
		_, err = markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: mini}}), markets.WithTables(tables))
		var le *markets.LoadError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("load failed without a LoadError: %v", err)
		}
	})
}

// TestDescribeEveryMarket (issue 18 item 5): every market lists its
// approval ids, registration schemes, documents, tables and taxes, so a
// user never has to read a policy to spell an id.
func TestDescribeEveryMarket(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	for _, m := range engine.Markets() {
		d, ok := engine.Describe(m)
		require.True(t, ok, m)
		require.Equal(t, m, d.Market)
		require.NotEmpty(t, d.Approvals, m)
		require.NotEmpty(t, d.Tables, m)
		require.NotEmpty(t, d.Taxes, m)
		require.NotEmpty(t, d.Rules, m)
		require.Contains(t, d.Documents, "commercial_invoice", m)
	}
	in, _ := engine.Describe("IN")
	var ids []string
	for _, a := range in.Approvals {
		ids = append(ids, a.ID)
	}
	require.Contains(t, ids, "in.bis_crs")
	require.Contains(t, in.Registrations, "in.iec")
	_, ok := engine.Describe("XX")
	require.False(t, ok)
}

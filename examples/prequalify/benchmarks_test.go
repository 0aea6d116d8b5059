package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/iorules/iorules/internal/golden"
	"github.com/stretchr/testify/require"
)

const (
	findingsShipment = "testdata/documents-findings.json"
	benchmarksFile   = "testdata/benchmarks.json"
)

func TestBenchmarksFlag(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"malformed.json":   `[{"hs6": "847150",`,
		"object.json":      `{"prices": []}`,
		"unknown.json":     `[{"hs6": "847150", "currency": "USD", "low": "1", "high": "2", "source": "s", "date": "2026-01-01", "colour": "red"}]`,
		"number.json":      `[{"hs6": "847150", "currency": "USD", "low": 1, "high": "2", "source": "s", "date": "2026-01-01"}]`,
		"bad-fields.json":  `[{"hs6": "8471", "currency": "USD", "low": "1e3", "high": "2", "source": "s", "date": "2026-02-30"}]`,
		"invalid.json":     `[{"hs6": "847150", "currency": "usd", "low": "5", "high": "2", "source": "", "date": "2026-01-01"}]`,
		"second-bad.json":  `[{"hs6": "847150", "currency": "USD", "low": "1", "high": "2", "source": "s", "date": "2026-01-01"}, {"category": "computer", "currency": "USD", "low": "1", "high": "2", "source": "s", "date": "2026-01-01"}]`,
		"empty.json":       `[]`,
		"duplicate.json":   `[{"hs6": "847150", "currency": "USD", "low": "1", "high": "2", "low": "900", "source": "s", "date": "2026-01-01"}]`,
		"surrogate.json":   `[{"hs6": "847150", "currency": "USD", "low": "1", "high": "2", "source": "s\ud800", "date": "2026-01-01"}]`,
		"trailing.json":    `[] []`,
		"dotted-hs6.json":  `[{"hs6": "8471.50", "currency": "USD", "low": "12000.00", "high": "18000.00", "source": "s", "date": "2026-01-01"}]`,
		"national-hs.json": `[{"hs6": "8471.50.10", "currency": "USD", "low": "1", "high": "2", "source": "s", "date": "2026-01-01"}]`,
	})
	path := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name      string
		args      []string
		code      int
		stderrHas []string
	}{
		{"valid list", []string{"-benchmarks", benchmarksFile, findingsShipment}, 0, nil},
		{"HS-6 written with its dot", []string{"-benchmarks", path("dotted-hs6.json"), findingsShipment}, 0, nil},
		{"file missing", []string{"-benchmarks", path("nope.json"), findingsShipment}, 3, []string{"-benchmarks"}},
		{"malformed JSON", []string{"-benchmarks", path("malformed.json"), findingsShipment}, 3, []string{"want a JSON list of reference prices"}},
		{"an object, not a list", []string{"-benchmarks", path("object.json"), findingsShipment}, 3, []string{"want a JSON list of reference prices"}},
		{"unknown field", []string{"-benchmarks", path("unknown.json"), findingsShipment}, 3, []string{`[0].colour: unknown field`}},
		{"money as a JSON number", []string{"-benchmarks", path("number.json"), findingsShipment}, 3, []string{"low"}},
		{"every bad field, by entry", []string{"-benchmarks", path("bad-fields.json"), findingsShipment}, 3, []string{
			`[0].hs6: malformed HS code "8471": want 6 to 12 digits, got 4`,
			`[0].low: must be a decimal string such as "6000.00", not "1e3"`,
			`[0].date: must be a real date written YYYY-MM-DD, not "2026-02-30"`,
		}},
		{"invalid values", []string{"-benchmarks", path("invalid.json"), findingsShipment}, 3, []string{
			`[0].currency: unknown currency code "usd"`, "[0].high: must not be less than low (5)", "[0].source: required",
		}},
		{"a bad second entry", []string{"-benchmarks", path("second-bad.json"), findingsShipment}, 3, []string{`[1].category: unknown category "computer"`}},
		{"a national line is not an HS-6 code", []string{"-benchmarks", path("national-hs.json"), findingsShipment}, 3,
			[]string{`[0].hs6: must be an HS-6 subheading such as "8471.50", not "8471.50.10"`}},
		{"duplicate key", []string{"-benchmarks", path("duplicate.json"), findingsShipment}, 3, []string{"[0].low: duplicate field"}},
		{"lone surrogate", []string{"-benchmarks", path("surrogate.json"), findingsShipment}, 3, []string{`[0].source: invalid UTF-16: lone surrogate \ud800`}},
		{"empty list", []string{"-benchmarks", path("empty.json"), findingsShipment}, 3, []string{"the list is empty"}},
		{"data after the list", []string{"-benchmarks", path("trailing.json"), findingsShipment}, 3, []string{"unexpected data after the JSON list"}},
		{"tolerance of 1", []string{"-benchmarks", benchmarksFile, "-price-tolerance", "1", findingsShipment}, 3, []string{"-price-tolerance must be a fraction"}},
		{"negative tolerance", []string{"-benchmarks", benchmarksFile, "-price-tolerance", "-0.1", findingsShipment}, 3, []string{"-price-tolerance must be a fraction"}},
		{"tolerance in percent", []string{"-benchmarks", benchmarksFile, "-price-tolerance", "20%", findingsShipment}, 3, []string{"-price-tolerance must be a fraction"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", tt.args...)
			require.Equal(t, tt.code, r.code, "stderr:\n%s", r.stderr)
			if tt.code != 0 {
				require.Empty(t, r.stdout)
			}
			for _, s := range tt.stderrHas {
				require.Contains(t, r.stderr, s)
			}
		})
	}
}

// TestBenchmarksReachTheDecision checks that the reference prices and the
// tolerance change the decision as they should.
func TestBenchmarksReachTheDecision(t *testing.T) {
	evidence := func(t *testing.T, args ...string) []int {
		t.Helper()
		r := runCLI(t, "", args...)
		require.Equal(t, 0, r.code, r.stderr)
		var d struct {
			Reasons []struct {
				Code  string `json:"code"`
				Lines []int  `json:"lines"`
			} `json:"reasons"`
			Audit struct {
				OptionsSHA256 string `json:"options_sha256"`
			} `json:"audit"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &d))
		var lines []int
		for _, rs := range d.Reasons {
			if rs.Code == "valuation_evidence_needed" {
				lines = append(lines, rs.Lines...)
			}
		}
		require.Equal(t, len(args) > 1, d.Audit.OptionsSHA256 != "", "the audit fingerprints the benchmarks")
		return lines
	}
	require.Equal(t, []int{1}, evidence(t, "-benchmarks", benchmarksFile, findingsShipment))
	require.Equal(t, []int{1}, evidence(t, "-benchmarks", benchmarksFile, "-price-tolerance", "0.06", findingsShipment))
	require.Empty(t, evidence(t, "-benchmarks", benchmarksFile, "-price-tolerance", "0.0625", findingsShipment), "exactly at the tolerance")
	require.Empty(t, evidence(t, findingsShipment), "no benchmarks, no comparison")
}

// TestDocumentsGolden keeps the text report of a shipment with every kind
// of document and valuation finding under testdata/. Run
// `go test ./examples/prequalify -update` after an intended change.
func TestDocumentsGolden(t *testing.T) {
	r := runCLI(t, "", "-format", "text", "-benchmarks", benchmarksFile, "-price-tolerance", "0.05", findingsShipment)
	require.Equal(t, 0, r.code, r.stderr)
	golden.Check(t, filepath.Join("testdata", "documents-findings.txt.golden"), r.stdout)
	require.Contains(t, r.stdout, "\nDocuments and valuation\n")
}

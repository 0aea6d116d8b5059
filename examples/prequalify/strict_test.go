package main

import (
	"path/filepath"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/stretchr/testify/require"
)

// problemLines renders the field errors of err as "path: message".
func problemLines(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	fes := iorules.FieldErrors(err)
	require.NotEmpty(t, fes, "error without FieldErrors: %v", err)
	out := make([]string, len(fes))
	for i, fe := range fes {
		out[i] = fe.Error()
	}
	return out
}

// TestDecodeScreeningStrict checks that the -screening file is decoded as
// strictly as a shipment (issue 16, B13, B7, B14): each problem named by
// its path.
func TestDecodeScreeningStrict(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"valid", `{"parties": [{"name": "Sugon", "aliases": ["Dawning"], "country": "CN", "list": "EL", "source": "85 FR 44159"}],
			"threshold": 90, "dispositions": [{"party_name": "Sugonn Ltd", "listed_name": "Sugon", "decision": "cleared", "reference": "R-1"}]}`, nil},
		{"a second parties key", `{"parties": [{"name": "Sugon", "list": "EL"}], "parties": []}`,
			[]string{"parties: duplicate field"}},
		{"duplicate key in an entry", `{"parties": [{"name": "Sugon", "name": "Nobody", "list": "EL"}]}`,
			[]string{"parties[0].name: duplicate field"}},
		{"unknown key", `{"parties": [{"name": "Sugon", "colour": "red"}], "colour": "blue"}`,
			[]string{"parties[0].colour: unknown field", "colour: unknown field"}},
		{"trailing data", `{"parties": [{"name": "Sugon"}]} {}`,
			[]string{"unexpected data after the JSON object at line 1, column 34"}},
		{"not an object", `[]`, []string{"want a JSON object holding a screening list, not an array"}},
		{"no parties", `{"threshold": 85}`, []string{"parties: required"}},
		{"empty parties", `{"parties": []}`, []string{"parties: required: at least one listed party (an empty list screens nothing)"}},
		{"parties not a list", `{"parties": {}}`, []string{"parties: must be a JSON array, not an object"}},
		{"a null entry", `{"parties": [null], "dispositions": [null]}`,
			[]string{"parties[0]: must be a JSON object, not null", "dispositions[0]: must be a JSON object, not null"}},
		{"threshold as a string", `{"parties": [{"name": "Sugon"}], "threshold": "85"}`,
			[]string{"threshold: must be a JSON integer from 0 to 100, not a string"}},
		{"threshold a fraction", `{"parties": [{"name": "Sugon"}], "threshold": 85.5}`,
			[]string{"threshold: must be a JSON integer from 0 to 100, not 85.5"}},
		{"threshold out of range", `{"parties": [{"name": "Sugon"}], "threshold": 850}`,
			[]string{"threshold: must be a JSON integer from 0 to 100, not 850"}},
		{"name missing, blank, a number", `{"parties": [{"list": "EL"}, {"name": " "}, {"name": 7}]}`,
			[]string{"parties[0].name: required", "parties[1].name: required", "parties[2].name: must be a string, not a number"}},
		{"lone surrogate", `{"parties": [{"name": "Sug\ud800on"}]}`,
			[]string{`parties[0].name: invalid UTF-16: lone surrogate \ud800`}},
		{"invalid UTF-8", "{\"parties\": [{\"name\": \"Sugon\", \"aliases\": [\"Daw\xffning\"]}]}",
			[]string{"parties[0].aliases[0]: invalid UTF-8"}},
		{"invalid UTF-8 in free text", "{\"parties\": [{\"name\": \"Sugon\", \"source\": \"\xc3\"}]}",
			[]string{"parties[0].source: invalid UTF-8"}},
		{"bidi override in a name", `{"parties": [{"name": "Sugon\u202e"}]}`,
			[]string{"parties[0].name: must not contain the bidirectional formatting character U+202E"}},
		{"escape in a disposition", `{"parties": [{"name": "Sugon"}], "dispositions": [{"party_name": "S\u001bugon", "listed_name": "Sugon", "decision": "cleared"}]}`,
			[]string{"dispositions[0].party_name: must not contain the control character U+001B"}},
		{"disposition incomplete", `{"parties": [{"name": "Sugon"}], "dispositions": [{"reference": "R-1"}]}`,
			[]string{"dispositions[0].party_name: required", "dispositions[0].listed_name: required", "dispositions[0].decision: required"}},
		{"unknown country", `{"parties": [{"name": "Sugon", "country": "cn"}]}`,
			[]string{`parties[0].country: unknown country code "cn" (want ISO 3166-1 alpha-2 in upper case, such as "CN")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := decodeScreening([]byte(tt.in))
			require.Equal(t, tt.want, problemLines(t, err))
			if err != nil {
				require.Zero(t, opts.Threshold)
				require.Empty(t, opts.Parties)
			}
		})
	}

	opts, err := decodeScreening([]byte(tests[0].in))
	require.NoError(t, err)
	require.Equal(t, exportctl.Options{
		Parties:      []exportctl.ListedParty{{Name: "Sugon", Aliases: []string{"Dawning"}, Country: "CN", List: "EL", Source: "85 FR 44159"}},
		Threshold:    90,
		Dispositions: []exportctl.Disposition{{PartyName: "Sugonn Ltd", ListedName: "Sugon", Decision: "cleared", Reference: "R-1"}},
	}, opts)
}

// TestDecodeBenchmarksStrict checks that the -benchmarks file is decoded as
// strictly as a shipment (issue 16, B13, B7).
func TestDecodeBenchmarksStrict(t *testing.T) {
	const entry = `"currency": "USD", "low": "1", "high": "2", "source": "s", "date": "2026-01-01"`
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"valid", `[{"hs6": "847150", ` + entry + `}]`, nil},
		{"duplicate key", `[{"hs6": "847150", "low": "5", ` + entry + `}]`, []string{"[0].low: duplicate field"}},
		{"unknown key", `[{"hs6": "847150", "colour": "red", ` + entry + `}]`, []string{"[0].colour: unknown field"}},
		{"trailing data", `[] []`, []string{"unexpected data after the JSON list at line 1, column 4"}},
		{"empty", `[]`, []string{"the list is empty: want at least one reference price"}},
		{"money as a JSON number", `[{"hs6": "847150", "currency": "USD", "low": 1, "high": 2e3, "source": "s", "date": "2026-01-01"}]`,
			[]string{`[0].low: must be a decimal string such as "6000.00", not a JSON number`,
				`[0].high: must be a decimal string such as "6000.00", not a JSON number`}},
		{"money padded", `[{"hs6": "847150", "currency": "USD", "low": " 1", "high": "2", "source": "s", "date": "2026-01-01"}]`,
			[]string{`[0].low: must be a decimal string such as "6000.00", not " 1"`}},
		{"required fields", `[{"hs6": "847150"}]`,
			[]string{"[0].currency: required", "[0].low: required", "[0].high: required", "[0].source: required", "[0].date: required"}},
		{"lone surrogate", `[{"category": "server\udc00", ` + entry + `}]`, []string{`[0].category: invalid UTF-16: lone surrogate \udc00`}},
		{"invalid UTF-8", "[{\"hs6\": \"847150\", \"currency\": \"USD\", \"low\": \"1\", \"high\": \"2\", \"source\": \"s\xff\", \"date\": \"2026-01-01\"}]",
			[]string{"[0].source: invalid UTF-8"}},
		{"an entry not an object", `[{"hs6": "847150", ` + entry + `}, 7, null]`,
			[]string{"[1]: must be a JSON object, not a number", "[2]: must be a JSON object, not null"}},
		{"validated once decoded", `[{"hs6": "847150", "currency": "usd", "low": "5", "high": "2", "source": " ", "date": "2026-01-01"}]`,
			[]string{`[0].currency: unknown currency code "usd" (want ISO 4217 such as "USD")`,
				"[0].high: must not be less than low (5)", "[0].source: required: where the prices come from"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := decodeBenchmarks([]byte(tt.in))
			require.Equal(t, tt.want, problemLines(t, err))
			if err != nil {
				require.Nil(t, refs)
			}
		})
	}
}

// TestScreeningFileStrictCLI checks the failure lines of a strict problem
// in the -screening file: status 3, one line per problem with its path.
func TestScreeningFileStrictCLI(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"dup.json": `{"parties": [{"name": "Marmara Veri Merkezi A.S.", "list": "EL"}], "parties": []}`,
	})
	file := filepath.Join(dir, "dup.json")
	r := runCLI(t, "", "-screening", file, sample("tr-network.json"))
	require.Equal(t, 3, r.code)
	require.Empty(t, r.stdout)
	require.Equal(t, "prequalify: -screening "+file+": parties: duplicate field\n", r.stderr)

	r = runCLI(t, "", "-screening", dir, sample("tr-network.json"))
	require.Equal(t, 3, r.code)
	require.Contains(t, r.stderr, "is not a regular file")
}

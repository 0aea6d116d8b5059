package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/golden"
	"github.com/stretchr/testify/require"
)

const shipmentsDir = "../shipments"

func sample(name string) string { return filepath.Join(shipmentsDir, name) }

// sampleShipments lists the sample shipment files; the rollout samples
// (rollout-*.json) hold a rollout, not a shipment.
func sampleShipments(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(shipmentsDir, "*.json"))
	require.NoError(t, err)
	rollouts, err := filepath.Glob(filepath.Join(shipmentsDir, "rollout-*.json"))
	require.NoError(t, err)
	var out []string
	for _, f := range files {
		if !slices.Contains(rollouts, f) {
			out = append(out, f)
		}
	}
	return out
}

// result is what one call of run produced.
type result struct {
	code   int
	stdout string
	stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// miniPolicy is a small, valid market policy, so that tests of the
// command's behaviour do not depend on the embedded policies.
const miniPolicy = `market: TR
name: Test market
currency: TRY
version: "0.0.1"
effective_from: 2025-01-01
effective_to: 2026-12-31
valuation: {basis: CIF}
tables:
  duty:
    match: hs_prefix
    entries:
      - {key: "8471", value: "0", source: "test", confidence: confirmed}
      - {key: "8517", value: "0.05", source: "test", confidence: unconfirmed}
rules:
  - id: tr.tareks
    kind: approval
    when: item.radio.size() > 0
    approval: {authority: TAREKS, title: TAREKS check, stage: before_clearance, lead_time_days: 10}
    source: test
    confidence: confirmed
taxes:
  - id: tr.duty
    name: Duty
    rate: table("duty", item.hs_code)
    base: line.customs_value
    source: test
    confidence: confirmed
  - id: tr.kdv
    name: VAT
    rate: decimal("0.20")
    base: line.customs_value + tax.duty
    source: test
    confidence: confirmed
`

// brokenPolicy has a type error, an unknown field and a syntax error.
const brokenPolicy = `market: TR
name: Broken market
currency: TRY
version: "0.0.1"
effective_from: 2025-01-01
valuation: {basis: CIF}
rules:
  - id: tr.bad_type
    kind: condition
    when: item.quantity + "x"
    message: never
    source: test
    confidence: confirmed
  - id: tr.bad_field
    kind: info
    when: item.colour == "blue"
    message: never
    source: test
    confidence: confirmed
taxes:
  - id: tr.vat
    name: VAT
    rate: decimal("0.20")
    base: line.customs_value *
    source: test
    confidence: confirmed
`

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return dir
}

func TestRunExitCodes(t *testing.T) {
	valid, err := os.ReadFile(sample("tr-network.json"))
	require.NoError(t, err)
	goodPolicies := writeDir(t, map[string]string{"tr.yaml": miniPolicy})
	brokenPolicies := writeDir(t, map[string]string{"tr.yaml": brokenPolicy})
	emptyDir := t.TempDir()
	screening := writeDir(t, map[string]string{
		"ok.json":      `{"parties": [{"name": "Some Other Company", "list": "EL"}]}`,
		"unknown.json": `{"parties": [], "colour": "blue"}`,
		"bad.json":     `{"parties": [`,
	})
	tables := writeDir(t, map[string]string{
		"ok.json":      `{"TR": {"duty_rate": [{"key": "850440", "value": "0.027", "source": "broker confirmation 11", "confidence": "confirmed"}]}}`,
		"number.json":  `{"TR": {"duty_rate": [{"key": "850440", "value": 0.027, "source": "x", "confidence": "confirmed"}]}}`,
		"unknown.json": `{"TR": {"duty_rates": []}}`,
	})

	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		// stderr, when set, must equal the whole of stderr.
		stderr string
		// stderrHas lists text stderr must contain.
		stderrHas []string
		// stderrLines, when set, must match every line of stderr.
		stderrLines *regexp.Regexp
	}{
		{name: "valid shipment, embedded policies", args: []string{sample("br-servers-sp.json")}, code: 0},
		{name: "valid shipment from stdin", args: []string{"-"}, stdin: string(valid), code: 0},
		{name: "valid shipment, text", args: []string{"-format", "text", sample("tr-network.json")}, code: 0},
		{name: "describe a market", args: []string{"-describe", "IN", "-format", "text"}, code: 0},
		{name: "describe an unknown market", args: []string{"-describe", "FR"}, code: 3, stderrHas: []string{"no policy for market FR"}},
		{name: "describe takes no file", args: []string{"-describe", "IN", sample("tr-network.json")}, code: 3,
			stderrHas: []string{"-describe takes no FILE"}},
		{name: "caller tables", args: []string{"-tables", filepath.Join(tables, "ok.json"), "-market", "TR", sample("mixed-rollout.json")}, code: 0},
		{name: "caller tables: money as a JSON number", args: []string{"-tables", filepath.Join(tables, "number.json"), sample("tr-network.json")}, code: 3,
			stderrHas: []string{`TR.duty_rate[0].value: must be a decimal string such as "0.05", not a JSON number`}},
		{name: "caller tables: unknown table", args: []string{"-tables", filepath.Join(tables, "unknown.json"), sample("tr-network.json")}, code: 3,
			stderrHas: []string{`TR.duty_rates: the TR policy has no table "duty_rates"`}},
		{name: "flags after the file", args: []string{sample("tr-network.json"), "-format", "text", "-market", "TR"}, code: 0},
		{name: "a bad flag after the file is still checked", args: []string{sample("tr-network.json"), "-format", "yaml"}, code: 3,
			stderrHas: []string{`-format must be json, text or summary, not "yaml"`}},
		{name: "two files, one after a flag", args: []string{sample("tr-network.json"), "-format", "text", sample("br-servers-sp.json")}, code: 3,
			stderrHas: []string{"want one FILE, got 2 arguments"}},
		{name: "after -- a dash-name is a file", args: []string{"-format", "text", "--", "-nosuchfile.json"}, code: 3,
			stderrHas: []string{"-nosuchfile.json"}},
		{name: "policies from a directory", args: []string{"-policies", goodPolicies, sample("tr-network.json")}, code: 0},
		{name: "market list", args: []string{"-market", "tr,BR", sample("tr-network.json")}, code: 0},
		{name: "screening list", args: []string{"-screening", filepath.Join(screening, "ok.json"), sample("tr-network.json")}, code: 0},
		{name: "a decline is still a decision", args: []string{sample("vn-refurbished.json")}, code: 0},
		{
			name: "invalid shipment: one line per problem, path first",
			args: []string{"testdata/invalid-shipment.json"},
			code: 1,
			stderr: `date: must be a real date written YYYY-MM-DD, not "2026-02-30"
destination_subdivision: required: the taxes of BR depend on it (an ISO 3166-2 code such as "BR-SP")
charges.freight: must be a decimal string such as "12.50", not a JSON number
items[0].quantity: must be greater than 0
items[0].unit_value: must be greater than 0
items[0].colour: unknown field
`,
		},
		{name: "charges the price includes exceed it", args: []string{"-"}, code: 1,
			stdin:     strings.Replace(string(valid), `"freight": "3200.00"`, `"freight": "90000000.00"`, 1),
			stderrHas: []string{"charges: the CIP invoice value"}},
		{name: "malformed JSON", args: []string{"-"}, stdin: `{"id": "x",`, code: 1, stderr: "malformed JSON: unexpected end of input\n"},
		{name: "empty input", args: []string{"-"}, stdin: "", code: 1, stderr: "empty input: want a JSON object holding one shipment\n"},
		{name: "JSON array", args: []string{"-"}, stdin: "[]", code: 1, stderr: "must be a JSON object holding one shipment, not an array\n"},
		{name: "unknown flag is 3, not 2", args: []string{"-bogus", sample("tr-network.json")}, code: 3,
			stderrHas: []string{"flag provided but not defined: -bogus", "usage: prequalify"}},
		{name: "help is not a decision", args: []string{"-h"}, code: 3, stderrHas: []string{"usage: prequalify"}},
		{name: "bad format", args: []string{"-format", "xml", sample("tr-network.json")}, code: 3, stderrHas: []string{`-format must be json, text or summary, not "xml"`}},
		{name: "no file", args: nil, code: 3, stderrHas: []string{"missing FILE"}},
		{name: "two files", args: []string{"a.json", "b.json"}, code: 3, stderrHas: []string{"want one FILE, got 2 arguments"}},
		{name: "file not found", args: []string{"testdata/no-such-file.json"}, code: 3, stderrHas: []string{"no-such-file.json"}},
		{
			name: "broken policies: every issue as FILE:LINE:COL: rule ID: message",
			args: []string{"-policies", brokenPolicies, sample("tr-network.json")},
			code: 3,
			stderrHas: []string{
				filepath.Join(brokenPolicies, "tr.yaml") + ":10:25: rule tr.bad_type: ",
				filepath.Join(brokenPolicies, "tr.yaml") + ":16:15: rule tr.bad_field: ",
				filepath.Join(brokenPolicies, "tr.yaml") + ":24:",
			},
			stderrLines: regexp.MustCompile(`^` + regexp.QuoteMeta(filepath.Join(brokenPolicies, "tr.yaml")) + `:\d+:\d+: rule tr\.[a-z_]+: .+$`),
		},
		{name: "policies directory missing", args: []string{"-policies", filepath.Join(emptyDir, "nope"), sample("tr-network.json")}, code: 3, stderrHas: []string{"-policies"}},
		{name: "policies directory empty", args: []string{"-policies", emptyDir, sample("tr-network.json")}, code: 3, stderrHas: []string{"no policy files"}},
		{name: "policies path is a file", args: []string{"-policies", sample("tr-network.json"), sample("tr-network.json")}, code: 3, stderrHas: []string{"not a directory"}},
		{name: "unknown market", args: []string{"-market", "ZZ", sample("tr-network.json")}, code: 3, stderrHas: []string{"no policy for ZZ"}},
		{name: "unknown market in a list", args: []string{"-market", "TR,ZZ", sample("tr-network.json")}, code: 3, stderrHas: []string{"no policy for ZZ"}},
		{name: "empty market list", args: []string{"-market", ",", sample("tr-network.json")}, code: 3, stderrHas: []string{"no market named"}},
		{name: "destination without a policy", args: []string{"-policies", goodPolicies, sample("br-servers-sp.json")}, code: 3,
			stderrHas: []string{"no policy for the destination market BR (loaded: TR)"}},
		{name: "screening file missing", args: []string{"-screening", filepath.Join(screening, "nope.json"), sample("tr-network.json")}, code: 3, stderrHas: []string{"-screening"}},
		{name: "screening file malformed", args: []string{"-screening", filepath.Join(screening, "bad.json"), sample("tr-network.json")}, code: 3, stderrHas: []string{"-screening"}},
		{name: "screening file with unknown field", args: []string{"-screening", filepath.Join(screening, "unknown.json"), sample("tr-network.json")}, code: 3, stderrHas: []string{"colour"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.stdin, tt.args...)
			require.Equal(t, tt.code, r.code, "stderr:\n%s", r.stderr)
			if tt.code != 0 {
				require.Empty(t, r.stdout, "stdout must be empty when no decision is printed")
				require.NotEmpty(t, r.stderr)
			} else {
				require.NotEmpty(t, r.stdout)
				require.Empty(t, r.stderr)
			}
			if tt.stderr != "" {
				if d := cmp.Diff(tt.stderr, r.stderr); d != "" {
					t.Errorf("stderr (-want +got):\n%s", d)
				}
			}
			for _, s := range tt.stderrHas {
				require.Contains(t, r.stderr, s)
			}
			if tt.stderrLines != nil {
				for _, l := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
					require.Regexp(t, tt.stderrLines, l)
				}
			}
		})
	}
}

// TestRunRecoversFromPanic checks that a panic becomes status 3 with a
// message, never Go's status 2. A nil stdout makes the final write panic.
func TestRunRecoversFromPanic(t *testing.T) {
	var errOut bytes.Buffer
	code := run([]string{sample("tr-network.json")}, strings.NewReader(""), nil, &errOut)
	require.Equal(t, 3, code)
	require.Contains(t, errOut.String(), "prequalify: internal error:")
}

func TestJSONShape(t *testing.T) {
	t.Run("one market: an object", func(t *testing.T) {
		r := runCLI(t, "", sample("br-servers-sp.json"))
		require.Equal(t, 0, r.code, r.stderr)
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &d))
		require.Equal(t, "BR", d["market"])
		require.True(t, strings.HasPrefix(r.stdout, "{\n  \""), "two-space indent")
		require.True(t, strings.HasSuffix(r.stdout, "}\n"), "trailing newline")
	})
	t.Run("all: an array in market order", func(t *testing.T) {
		r := runCLI(t, "", "-market", "all", "-policies", writeDir(t, map[string]string{
			"tr.yaml": miniPolicy,
			"br.yaml": strings.NewReplacer("market: TR", "market: BR", "currency: TRY", "currency: BRL", "tr.", "br.").Replace(miniPolicy),
		}), sample("tr-network.json"))
		require.Equal(t, 0, r.code, r.stderr)
		var ds []struct {
			Market string `json:"market"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &ds))
		require.Equal(t, []string{"BR", "TR"}, []string{ds[0].Market, ds[1].Market})
	})
	t.Run("a list: an array in the order given, without repeats", func(t *testing.T) {
		r := runCLI(t, "", "-market", "tr,BR,TR", sample("tr-network.json"))
		require.Equal(t, 0, r.code, r.stderr)
		var ds []struct {
			Market string `json:"market"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &ds))
		require.Len(t, ds, 2)
		require.Equal(t, []string{"TR", "BR"}, []string{ds[0].Market, ds[1].Market})
	})
	t.Run("screening result reaches the decision", func(t *testing.T) {
		list := writeDir(t, map[string]string{"list.json": `{"parties": [{"name": "Marmara Veri Merkezi A.S.", "country": "TR", "list": "EL", "source": "test entry"}]}`})
		r := runCLI(t, "", "-screening", filepath.Join(list, "list.json"), sample("tr-network.json"))
		require.Equal(t, 0, r.code, r.stderr)
		var d struct {
			Verdict       string `json:"verdict"`
			ExportControl struct {
				Screening []struct {
					PartyName string `json:"party_name"`
				} `json:"screening"`
			} `json:"export_control"`
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &d))
		require.NotEmpty(t, d.ExportControl.Screening)
		require.Equal(t, "Marmara Veri Merkezi A.S.", d.ExportControl.Screening[0].PartyName)
		require.Equal(t, "decline", d.Verdict, "an Entity List match of the end user must not clear")
	})
}

// goldens are the sample runs whose output is kept under testdata/.
var goldens = []struct {
	name string
	args []string
}{
	{"br-servers-sp.json.golden", []string{sample("br-servers-sp.json")}},
	{"br-servers-sp.txt.golden", []string{"-format", "text", sample("br-servers-sp.json")}},
	{"tr-network.json.golden", []string{sample("tr-network.json")}},
	{"tr-network.txt.golden", []string{"-format", "text", sample("tr-network.json")}},
	{"vn-refurbished.json.golden", []string{sample("vn-refurbished.json")}},
	{"vn-refurbished.txt.golden", []string{"-format", "text", sample("vn-refurbished.json")}},
	{"mixed-rollout-tr-sa-br.txt.golden", []string{"-format", "text", "-market", "TR,SA,BR", sample("mixed-rollout.json")}},
	{"rollout-nine-markets.json.golden", []string{"-rollout", sample("rollout-nine-markets.json")}},
	{"rollout-nine-markets.txt.golden", []string{"-format", "text", "-rollout", sample("rollout-nine-markets.json")}},
	{"sa-gpu.summary.golden", []string{"-format", "summary", sample("sa-gpu.json")}},
	{"mixed-rollout-all.summary.golden", []string{"-format", "summary", "-market", "all", sample("mixed-rollout.json")}},
	{"br-servers-sp.explain.txt.golden", []string{"-format", "text", "-explain", sample("br-servers-sp.json")}},
	{"br-servers-sp.explain.json.golden", []string{"-explain", sample("br-servers-sp.json")}},
}

// TestGolden compares the output for sample shipments with the files under
// testdata/. After an intended change (to the report or to a policy), run
// `go test ./examples/prequalify -update` and review the diff.
func TestGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			r := runCLI(t, "", g.args...)
			require.Equal(t, 0, r.code, r.stderr)
			golden.Check(t, filepath.Join("testdata", g.name), r.stdout)
		})
	}
}

// TestDeterministic runs every sample twice in each format and wants the
// same bytes.
func TestDeterministic(t *testing.T) {
	for _, f := range sampleShipments(t) {
		for _, args := range [][]string{{f}, {"-format", "text", f}, {"-market", "all", f}, {"-format", "text", "-market", "all", f}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				a := runCLI(t, "", args...)
				b := runCLI(t, "", args...)
				require.Equal(t, 0, a.code, a.stderr)
				require.Equal(t, a.stdout, b.stdout)
			})
		}
	}
}

// TestSampleShipments decodes every sample shipment and checks that the
// ones the README and the docs name are there.
func TestSampleShipments(t *testing.T) {
	var names []string
	for _, f := range sampleShipments(t) {
		names = append(names, filepath.Base(f))
		t.Run(filepath.Base(f), func(t *testing.T) {
			fh, err := os.Open(f)
			require.NoError(t, err)
			defer fh.Close()
			s, err := iorules.DecodeShipment(fh)
			require.NoError(t, err)
			require.NotEmpty(t, s.Items)
			r := runCLI(t, "", f)
			require.Equal(t, 0, r.code, "every sample must get a decision from the embedded policies:\n%s", r.stderr)
		})
	}
	for _, want := range []string{"br-servers-sp.json", "br-switches-rj-sea.json", "tr-network.json", "in-servers.json",
		"sa-gpu.json", "vn-refurbished.json", "mixed-rollout.json"} {
		require.Contains(t, names, want)
	}
}

// TestSampleVerdicts pins what each sample is meant to show, so that a
// sample that drifts from its story is noticed.
func TestSampleVerdicts(t *testing.T) {
	tests := []struct {
		file    string
		verdict string
	}{
		{"br-servers-sp.json", "clear"},
		{"br-switches-rj-sea.json", "clear"},
		{"tr-network.json", "conditional"},
		{"in-servers.json", "conditional"},
		{"sa-gpu.json", "conditional"},
		{"vn-refurbished.json", "decline"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := runCLI(t, "", sample(tt.file))
			require.Equal(t, 0, r.code, r.stderr)
			var d struct {
				Verdict string `json:"verdict"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &d))
			require.Equal(t, tt.verdict, d.Verdict)
		})
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iorules/iorules/internal/golden"
	"github.com/stretchr/testify/require"
)

const goodDir = "testdata/good"

// copyPolicies copies the *.yaml files of src into a new temporary
// directory and returns it.
func copyPolicies(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	names, err := filepath.Glob(filepath.Join(src, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, names, "no policies in %s", src)
	for _, name := range names {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, filepath.Base(name)), data, 0o644))
	}
	return dst
}

// edit replaces old, which must occur exactly once, by new in dir/file.
func edit(t *testing.T, dir, file, old, new string) {
	t.Helper()
	name := filepath.Join(dir, file)
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(data), old), "%s must hold %q once", file, old)
	require.NoError(t, os.WriteFile(name, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// runPolicy runs the command and returns its status, stdout and stderr,
// with the temporary directories named $TMP and go-cmp's randomised
// non-breaking spaces made plain, so that the output can be compared with
// a golden file.
func runPolicy(t *testing.T, tmp []string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	clean := func(s string) string {
		for i, dir := range tmp {
			s = strings.ReplaceAll(s, dir, "$TMP"+strings.Repeat("'", i))
		}
		return strings.ReplaceAll(s, "\u00a0", " ")
	}
	return code, clean(stdout.String()), clean(stderr.String())
}

func TestCommands(t *testing.T) {
	// A case whose expectation is wrong: the access point needs its
	// permit, the case says the verdict is clear.
	failing := copyPolicies(t, goodDir)
	edit(t, failing, "ge_test.yaml", "      verdict: conditional\n      approvals:", "      verdict: clear\n      approvals:")

	// A policy that does not load: a tax reads a table that is not there.
	broken := copyPolicies(t, goodDir)
	edit(t, broken, "ge.yaml", `rate: table("duty", item.hs_code)`, `rate: table("duties", item.hs_code)`)

	// A case file that does not decode.
	badCases := copyPolicies(t, goodDir)
	edit(t, badCases, "ge_test.yaml", "    shipment: base\n    patch:\n      importer_of_record:", "    shipment: base\n    expected: {}\n    patch:\n      importer_of_record:")

	// The same policy with nothing for lint to find.
	clean := copyPolicies(t, goodDir)
	edit(t, clean, "ge.yaml", "  unused: \"a source nothing cites\"\n", "")
	edit(t, clean, "ge.yaml", `confidence: unconfirmed}`, `confidence: unconfirmed, note: "assumed"}`)
	edit(t, clean, "ge.yaml", `rate: decimal("0.01")`, `rate: table("excise_rate", "ups")`)

	// A January update: the switch duty goes from 5 % to 8 %.
	raised := copyPolicies(t, goodDir)
	edit(t, raised, "ge.yaml", `{key: "851762", value: "0.05"`, `{key: "851762", value: "0.08"`)

	// A rule widened: switches need the radio permit too.
	widened := copyPolicies(t, goodDir)
	edit(t, widened, "ge.yaml", `when: item.radio.size() > 0`, `when: item.radio.size() > 0 || item.category == "switch"`)

	// A rule that declines every importer of record.
	declining := copyPolicies(t, goodDir)
	edit(t, declining, "ge.yaml", `when: importer.country != "GE"`, `when: importer.country != "XX"`)

	tmp := []string{failing, broken, badCases, clean, raised, widened, declining}
	shipments := "testdata/shipments"
	tests := []struct {
		name     string
		args     []string
		wantCode int
		// stdout and stderr name golden files; empty means the stream
		// must be empty.
		stdout, stderr string
	}{
		{name: "test passes", args: []string{"test", goodDir}, wantCode: 0, stdout: "test-good.txt"},
		{name: "test min coverage met", args: []string{"test", "-min-coverage", "55", goodDir}, wantCode: 0, stdout: "test-good.txt"},
		{name: "test below min coverage", args: []string{"test", goodDir, "-min-coverage", "90"}, wantCode: 1, stdout: "test-min-coverage.txt"},
		{name: "test failing case", args: []string{"test", failing}, wantCode: 1, stdout: "test-failing.txt"},
		{name: "test policy does not load", args: []string{"test", broken}, wantCode: 3, stderr: "test-broken.txt"},
		{name: "test case file does not load", args: []string{"test", badCases}, wantCode: 3, stderr: "test-bad-cases.txt"},
		{name: "test no dir", args: []string{"test"}, wantCode: 3, stderr: "usage-test.txt"},
		{name: "test bad min coverage", args: []string{"test", "-min-coverage", "101", goodDir}, wantCode: 3, stderr: "usage-min-coverage.txt"},
		{name: "lint finds", args: []string{"lint", goodDir}, wantCode: 1, stdout: "lint-good.txt"},
		{name: "lint clean", args: []string{"lint", clean}, wantCode: 0},
		{name: "lint policy does not load", args: []string{"lint", broken}, wantCode: 3, stderr: "test-broken.txt"},
		{name: "diff unchanged", args: []string{"diff", "-old", goodDir, "-new", clean, shipments}, wantCode: 0},
		{name: "diff changed", args: []string{"diff", "-old", goodDir, "-new", raised, shipments}, wantCode: 1, stdout: "diff-duty.txt"},
		{name: "diff changed json", args: []string{"diff", "-old", goodDir, "-new", raised, "-format", "json", shipments}, wantCode: 1, stdout: "diff-duty.json"},
		{name: "diff rule widened", args: []string{"diff", "-old", goodDir, "-new", widened, shipments}, wantCode: 1, stdout: "diff-rule.txt"},
		{name: "diff rule widened json", args: []string{"diff", "-format", "json", "-old", goodDir, "-new", widened, shipments}, wantCode: 1, stdout: "diff-rule.json"},
		{name: "diff verdict", args: []string{"diff", "-old", goodDir, "-new", declining, shipments + "/ge-server.json"}, wantCode: 1, stdout: "diff-verdict.txt"},
		{name: "diff unchanged json", args: []string{"diff", "-format", "json", "-old", goodDir, "-new", goodDir, shipments + "/ge-server.json"}, wantCode: 0, stdout: "diff-none.json"},
		{name: "diff all markets", args: []string{"diff", "-old", goodDir, "-new", raised, "-market", "all", shipments + "/ge-switch.json"}, wantCode: 1, stdout: "diff-duty-switch.txt"},
		{name: "diff unknown market", args: []string{"diff", "-old", goodDir, "-new", raised, "-market", "BR", shipments}, wantCode: 3, stderr: "diff-unknown-market.txt"},
		{name: "diff new does not load", args: []string{"diff", "-old", goodDir, "-new", broken, shipments}, wantCode: 3, stderr: "test-broken.txt"},
		{name: "diff missing shipment", args: []string{"diff", "-old", goodDir, "-new", raised, "testdata/none.json"}, wantCode: 3, stderr: "diff-missing.txt"},
		{name: "diff needs new", args: []string{"diff", "-old", goodDir, shipments}, wantCode: 3, stderr: "usage-diff.txt"},
		{name: "unknown command", args: []string{"fmt"}, wantCode: 3, stderr: "usage-unknown.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runPolicy(t, tmp, tt.args...)
			require.Equal(t, tt.wantCode, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			if tt.stdout == "" {
				require.Empty(t, stdout)
			} else {
				golden.Check(t, filepath.Join("testdata", tt.stdout), stdout)
			}
			if tt.stderr == "" {
				require.Empty(t, stderr)
			} else {
				golden.Check(t, filepath.Join("testdata", tt.stderr), stderr)
			}
		})
	}
}

// TestDiffICMS is the January review: the embedded policies copied twice,
// one state's ICMS rate changed in the new copy. The shipment to that
// state shows br.icms and the totals moving; the one to another state
// prints nothing.
func TestDiffICMS(t *testing.T) {
	oldDir := copyPolicies(t, "../../markets/policies")
	newDir := copyPolicies(t, "../../markets/policies")
	edit(t, newDir, "br.yaml",
		`{key: "BR-SP", value: "0.18", source: "@icms_carried"`,
		`{key: "BR-SP", value: "0.19", source: "@icms_carried"`)
	sp := "../shipments/br-servers-sp.json"
	rj := "../shipments/br-switches-rj-sea.json"

	t.Run("text", func(t *testing.T) {
		code, stdout, stderr := runPolicy(t, nil, "diff", "-old", oldDir, "-new", newDir, sp, rj)
		require.Equal(t, 1, code, "stderr:\n%s", stderr)
		require.Empty(t, stderr)
		require.Contains(t, stdout, sp+" ")
		require.Contains(t, stdout, "  tax br.icms: rate 0.18 -> 0.19, amount ")
		require.Contains(t, stdout, "  total taxes: ")
		require.NotContains(t, stdout, rj, "the Rio de Janeiro shipment did not change")
	})
	t.Run("unchanged", func(t *testing.T) {
		code, stdout, stderr := runPolicy(t, nil, "diff", "-old", oldDir, "-new", newDir, rj)
		require.Equal(t, 0, code, "stderr:\n%s", stderr)
		require.Empty(t, stdout)
		require.Empty(t, stderr)
	})
	t.Run("json", func(t *testing.T) {
		code, stdout, _ := runPolicy(t, nil, "diff", "-format", "json", "-old", oldDir, "-new", newDir, sp, rj)
		require.Equal(t, 1, code)
		var got struct{ Changes []change }
		require.NoError(t, json.Unmarshal([]byte(stdout), &got))
		require.Len(t, got.Changes, 1)
		c := got.Changes[0]
		require.Equal(t, sp, c.File)
		require.Equal(t, "BR", c.Market)
		require.Nil(t, c.Verdict)
		require.Empty(t, c.ReasonsAdded)
		require.Empty(t, c.ReasonsRemoved)
		var icms *taxChange
		for i := range c.Taxes {
			if c.Taxes[i].ID == "br.icms" {
				icms = &c.Taxes[i]
			}
		}
		require.NotNil(t, icms, "changes: %+v", c.Taxes)
		require.Equal(t, &valueChange{Old: "0.18", New: "0.19"}, icms.Rate)
		require.NotNil(t, icms.Amount)
		require.NotNil(t, c.TotalTaxes)
	})
	t.Run("other markets unchanged", func(t *testing.T) {
		code, stdout, stderr := runPolicy(t, nil, "diff", "-market", "all", "-old", oldDir, "-new", newDir, "../shipments/in-servers.json")
		require.Equal(t, 0, code, "stderr:\n%s", stderr)
		require.Empty(t, stdout)
	})
}

// TestEmbeddedPolicies runs the embedded cases as policy test does: every
// market gets a coverage line, and the status says whether a case failed
// (the cases themselves are go test ./markets's business).
func TestEmbeddedPolicies(t *testing.T) {
	code, stdout, stderr := runPolicy(t, nil, "test", "../../markets/policies")
	require.Empty(t, stderr)
	failed := strings.Contains(stdout, "\n--- FAIL: ") || strings.HasPrefix(stdout, "--- FAIL: ")
	if failed {
		require.Equal(t, 1, code)
		require.Regexp(t, `(?m)^FAIL: \d+ of \d+ cases failed$`, stdout)
	} else {
		require.Equal(t, 0, code)
		require.Regexp(t, `(?m)^ok: \d+ cases passed$`, stdout)
	}
	for _, m := range []string{"BR", "EG", "IN", "KZ", "MY", "PH", "RS", "SA", "TR", "UZ", "VN"} {
		require.Regexp(t, `(?m)^coverage `+m+`: \d+ cases, rules \d+/\d+, taxes \d+/\d+, `, stdout)
	}
}

package markets_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// Tests of issue 16, "Hostile policies": each hostile policy is rejected
// at load with FILE:LINE:COL, or its cost is bounded.

// withDutyRows returns the mini policy with the rows of its duty table
// replaced by rows (each a YAML flow mapping).
func withDutyRows(t *testing.T, rows []string) string {
	t.Helper()
	base := miniPolicy(t)
	old := `      - {key: "8471", value: "0", source: "test", confidence: confirmed}
      - {key: "851762", value: "0.05", source: "test", confidence: unconfirmed}
`
	require.Contains(t, base, old)
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("      - " + r + "\n")
	}
	return strings.Replace(base, old, b.String(), 1)
}

// dutyRowLine is the file line of the i-th row withDutyRows writes.
func dutyRowLine(t *testing.T, i int) int {
	t.Helper()
	base := miniPolicy(t)
	return strings.Count(base[:strings.Index(base, `      - {key: "8471"`)], "\n") + 1 + i
}

func issueStrings(issues []markets.Issue) []string {
	out := make([]string, len(issues))
	for i, is := range issues {
		out[i] = is.String()
	}
	return out
}

// B3: each duplicate row is reported once, not once per pair, and the list
// is capped.
func TestLoadReportsEachOverlappingRowOnce(t *testing.T) {
	t.Run("three rows of one key", func(t *testing.T) {
		row := `{key: "8471", value: "0", source: test, confidence: confirmed}`
		issues := loadIssues(t, withDutyRows(t, []string{row, row, row}))
		first := dutyRowLine(t, 0)
		want := []string{
			fmt.Sprintf(`zz.yaml:%d:15: rule table duty: entry "8471" overlaps in time the entry with the same key at line %d`, first+1, first),
			fmt.Sprintf(`zz.yaml:%d:15: rule table duty: entry "8471" overlaps in time the entry with the same key at line %d`, first+2, first),
		}
		require.Equal(t, want, issueStrings(issues))
	})
	t.Run("overlap with a row that is not the neighbour", func(t *testing.T) {
		issues := loadIssues(t, withDutyRows(t, []string{
			`{key: "8471", value: "0", source: test, confidence: confirmed, effective_from: 2020-01-01, effective_to: 2030-12-31}`,
			`{key: "8471", value: "0", source: test, confidence: confirmed, effective_from: 2021-01-01, effective_to: 2021-12-31}`,
			`{key: "8471", value: "0", source: test, confidence: confirmed, effective_from: 2023-01-01, effective_to: 2023-12-31}`,
			`{key: "8471", value: "0", source: test, confidence: confirmed, effective_from: 2031-01-01}`,
			`{key: "8473", value: "0", source: test, confidence: confirmed, effective_from: 2021-01-01, effective_to: 2021-12-31}`,
		}))
		first := dutyRowLine(t, 0)
		require.Len(t, issues, 2, "%s", issueStrings(issues))
		require.Equal(t, first+1, issues[0].Line)
		require.Equal(t, first+2, issues[1].Line)
		require.Contains(t, issues[1].Msg, fmt.Sprintf("at line %d", first))
	})
	t.Run("thousands of duplicates", func(t *testing.T) {
		const n = 3000
		rows := make([]string, n)
		for i := range rows {
			rows[i] = `{key: "8471", value: "0", source: test, confidence: confirmed}`
		}
		issues := loadIssues(t, withDutyRows(t, rows))
		require.Len(t, issues, 101, "100 issues, then one that counts the rest")
		last := issues[100]
		require.Equal(t, fmt.Sprintf("zz.yaml:%d:15: and %d more issues in this file (the first 100 are listed)", dutyRowLine(t, 101), n-1-100), last.String())
	})
}

// TestLoadAcceptsDisjointWindows checks that rows of one key in disjoint
// windows load, in any order, and that a lookup finds the row in force.
func TestLoadAcceptsDisjointWindows(t *testing.T) {
	src := withDutyRows(t, []string{
		`{key: "8471", value: "0.03", source: test, confidence: confirmed, effective_from: 2026-01-01}`,
		`{key: "8471", value: "0.01", source: test, confidence: confirmed, effective_to: 2024-12-31}`,
		`{key: "8471", value: "0.02", source: test, confidence: confirmed, effective_from: 2025-01-01, effective_to: 2025-12-31}`,
		`{key: "851762", value: "0.05", source: test, confidence: confirmed}`,
	})
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	for date, want := range map[string]string{"2024-06-01": "0.01", "2025-06-01": "0.02", "2026-06-01": "0.03"} {
		s := sample(t)
		s.Date = iorules.MustParseDate(date)
		s.Items = s.Items[:1]
		d, err := engine.Prequalify(s)
		require.NoError(t, err)
		var rate string
		for _, tx := range d.Taxes {
			if tx.ID == "tr.duty" && tx.Rate != nil {
				rate = tx.Rate.String()
			}
		}
		require.Equal(t, want, rate, "duty rate on %s", date)
	}
}

// B6: an effective_to before effective_from is a load error wherever it is
// written.
func TestLoadRejectsInvertedWindows(t *testing.T) {
	base := miniPolicy(t)
	tests := []struct {
		name, old, new, at, want string
	}{
		{
			name: "policy",
			old:  "effective_to: 2026-12-31\n",
			new:  "effective_to: 2024-12-31\n",
			at:   "effective_to: 2024-12-31",
			want: "the policy: effective_to 2024-12-31 is before effective_from 2025-01-01, so it would never apply",
		},
		{
			name: "rule",
			old:  "    message: big\n",
			new:  "    message: big\n    effective_from: 2026-06-01\n    effective_to: 2026-05-31\n",
			at:   "effective_to: 2026-05-31",
			want: "rule tr.big: the rule: effective_to 2026-05-31 is before effective_from 2026-06-01",
		},
		{
			name: "tax",
			old:  "    name: Duty\n",
			new:  "    name: Duty\n    effective_from: 2026-06-01\n    effective_to: 2026-05-31\n",
			at:   "effective_to: 2026-05-31",
			want: "rule tr.duty: the tax: effective_to 2026-05-31 is before effective_from 2026-06-01",
		},
		{
			name: "table row",
			old:  `{key: standard, value: "0.20", source: "test", confidence: confirmed}`,
			new:  `{key: standard, value: "0.20", source: "test", confidence: confirmed, effective_from: 2026-06-01, effective_to: 2026-05-31}`,
			at:   "effective_to: 2026-05-31",
			want: `rule table vat: entry "standard": effective_to 2026-05-31 is before effective_from 2026-06-01`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, base, tt.old)
			src := strings.Replace(base, tt.old, tt.new, 1)
			i := strings.Index(src, tt.at) + len("effective_to: ")
			line := strings.Count(src[:i], "\n") + 1
			col := i - strings.LastIndex(src[:i], "\n")
			want := fmt.Sprintf("zz.yaml:%d:%d: %s", line, col, tt.want)
			require.Contains(t, strings.Join(issueStrings(loadIssues(t, src)), "\n"), want)
		})
	}
	t.Run("a window of one day loads", func(t *testing.T) {
		src := strings.Replace(base, "    message: big\n", "    message: big\n    effective_from: 2026-06-01\n    effective_to: 2026-06-01\n", 1)
		_, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
		require.NoError(t, err)
	})
}

// finerRows returns n rows below 8471.50 with alternating values.
func finerRows(n int) []string {
	rows := []string{`{key: "8471", value: "0", source: test, confidence: confirmed}`}
	for i := range n {
		rows = append(rows, fmt.Sprintf(`{key: "847150%04d", value: "0.%d", source: test, confidence: confirmed}`, i, i%2))
	}
	return rows
}

// B5: a lookup for a code the table splits further names a few rows and
// the count, however many rows there are.
func TestFinerRowsMessageIsBounded(t *testing.T) {
	src := withDutyRows(t, finerRows(40))
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	d, err := engine.Prequalify(sample(t))
	require.NoError(t, err)
	var msg string
	for _, r := range d.Reasons {
		if r.Rule == "tr.duty" && strings.Contains(r.Message, "not precise enough") {
			msg = r.Message
		}
	}
	require.Contains(t, msg, "HS code 8471.50 is not precise enough: table duty distinguishes "+
		"8471.50.00.00 (0), 8471.50.00.01 (0.1), 8471.50.00.02 (0), 8471.50.00.03 (0.1), 8471.50.00.04 (0) and 35 more rows; declare the full national tariff line")
}

// B5: the runtime cost limit counts what a table lookup examines: a scan
// of 3,000 rows below a code exceeds a limit of 1,000, and a lookup by
// binary search in the same table does not.
func TestRuntimeCostLimitCountsTableLookups(t *testing.T) {
	src := withDutyRows(t, finerRows(3000))
	rule := "  - {id: tr.listed, kind: info, when: 'has_entry(\"duty\", item.hs_code)', message: listed, source: test, confidence: confirmed}\n"
	src = strings.Replace(src, "rules:\n", "rules:\n"+rule, 1)
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}), markets.WithRuntimeCostLimit(1000))
	require.NoError(t, err)
	codes := map[iorules.HSCode]string{"847150": "rule_error", "8471500012": "note"}
	for code, want := range codes {
		s := sample(t)
		s.Items = s.Items[:1]
		s.Items[0].HSCode = code
		d, err := engine.Prequalify(s)
		require.NoError(t, err)
		var got string
		for _, r := range d.Reasons {
			if r.Rule == "tr.listed" {
				got = r.Code
				if r.Code == "rule_error" {
					require.Contains(t, r.Message, "cost limit")
				}
			}
		}
		require.Equal(t, want, got, "HS code %s: %+v", code, d.Reasons)
	}
}

// B5: the load-time estimate counts table lookups: a tiers table of 3,000
// rows read for every group of a 10,000-line shipment is too costly.
func TestLoadCountsTableLookupCost(t *testing.T) {
	var b strings.Builder
	b.WriteString("  fee:\n    match: tiers\n    entries:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "      - {from: %d, to: %d, value: \"1\", source: test, confidence: confirmed}\n", i+1, i+1)
	}
	src := strings.Replace(miniPolicy(t), "  vat:\n", b.String()+"  vat:\n", 1)
	rule := "  - {id: tr.fee, kind: info, when: 'tiered(\"fee\", item.quantity) > decimal(\"0\")', message: fee, source: test, confidence: confirmed}\n"
	src = strings.Replace(src, "rules:\n", "rules:\n"+rule, 1)
	joined := strings.Join(issueStrings(loadIssues(t, src)), "\n")
	require.Contains(t, joined, "rule tr.fee: expression too costly")
}

// B17: a policy path that is not a regular file is refused with an issue
// naming it, and a regular file is read up to a bound.
func TestLoadRefusesIrregularPolicyFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("named pipes and /dev/zero are Unix")
	}
	policy, err := os.ReadFile("testdata/mini/zz.yaml")
	require.NoError(t, err)
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		want string // "" = loads
	}{
		{"named pipe", func(t *testing.T, path string) {
			require.NoError(t, syscall.Mkfifo(path, 0o600))
		}, "zz.yaml:1:1: policy file is a named pipe"},
		{"link to /dev/zero", func(t *testing.T, path string) {
			require.NoError(t, os.Symlink("/dev/zero", path))
		}, "zz.yaml:1:1: policy file is a device"},
		{"directory", func(t *testing.T, path string) {
			require.NoError(t, os.Mkdir(path, 0o700))
		}, "zz.yaml:1:1: policy file is a directory"},
		{"too large", func(t *testing.T, path string) {
			big := append([]byte(nil), policy...)
			big = append(big, "\n# "...)
			big = append(big, strings.Repeat("x", 16<<20)...)
			require.NoError(t, os.WriteFile(path, big, 0o600))
		}, "zz.yaml:1:1: policy file larger than 16 MiB"},
		{"link to a regular file", func(t *testing.T, path string) {
			target := filepath.Join(t.TempDir(), "policy.yaml")
			require.NoError(t, os.WriteFile(target, policy, 0o600))
			require.NoError(t, os.Symlink(target, path))
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.make(t, filepath.Join(dir, "zz.yaml"))
			done := make(chan error, 1)
			go func() {
				_, err := markets.New(markets.WithPolicies(os.DirFS(dir)))
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute):
				t.Fatal("loading hangs") // the goroutine stays blocked
			}
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
}

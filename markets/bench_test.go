package markets_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
)

func BenchmarkPrequalify(b *testing.B) {
	engine, err := markets.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range engine.Markets() {
		for _, n := range []int{1, 10, 100, 1000} {
			s := policytest.SampleShipment(m, n)
			if err := s.Validate(); err != nil {
				b.Fatalf("%s: %v", m, err)
			}
			b.Run(fmt.Sprintf("%s/lines=%d", m, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := engine.Prequalify(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := markets.New(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrequalifyLarge evaluates a shipment of MaxLines lines under
// every embedded policy (issue 16: under 1 s and 300 MB each).
func BenchmarkPrequalifyLarge(b *testing.B) {
	engine, err := markets.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range engine.Markets() {
		s := policytest.SampleShipment(m, markets.MaxLines)
		if err := s.Validate(); err != nil {
			b.Fatalf("%s: %v", m, err)
		}
		b.Run(fmt.Sprintf("%s/lines=%d", m, markets.MaxLines), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := engine.Prequalify(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadLargeTable loads a policy whose duty table has 100,000 rows
// (issue 16: under 1 s).
func BenchmarkLoadLargeTable(b *testing.B) {
	fsys := fstest.MapFS{"zz.yaml": {Data: largeTablePolicy(b, 100_000)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := markets.New(markets.WithPolicies(fsys)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrequalifyFinerRows evaluates 10,000 lines declared at HS-6
// against a duty table that splits that code into 20,000 rows: every line's
// lookup fails and names the rows (issue 16, B5: 46 s and 8.3 GB before
// the rows were sorted, the message bounded and the scan made once).
func BenchmarkPrequalifyFinerRows(b *testing.B) {
	src, err := os.ReadFile("testdata/mini/zz.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var t strings.Builder
	t.WriteString("      - {key: \"8471\", value: \"0\", source: \"test\", confidence: confirmed}\n")
	for i := range 20_000 {
		fmt.Fprintf(&t, "      - {key: \"847150%05d\", value: \"0.%d\", source: test, confidence: confirmed}\n", i, i%2)
	}
	policy := strings.Replace(string(src), "      - {key: \"8471\", value: \"0\", source: \"test\", confidence: confirmed}\n", t.String(), 1)
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(policy)}}))
	if err != nil {
		b.Fatal(err)
	}
	s := policytest.SampleShipment("TR", markets.MaxLines)
	for i := range s.Items {
		s.Items[i].HSCode = "847150"
	}
	d, err := engine.Prequalify(s)
	if err != nil {
		b.Fatal(err)
	}
	if !slices.ContainsFunc(d.Reasons, func(r iorules.Reason) bool { return strings.Contains(r.Message, "and 19995 more rows") }) {
		b.Fatal("no reason names the finer rows")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := engine.Prequalify(s); err != nil {
			b.Fatal(err)
		}
	}
}

// largeTablePolicy returns the mini policy with rows rows in its duty
// table: 8-digit codes under 8471, each in force in 2025 and, at another
// rate, from 2026.
func largeTablePolicy(tb testing.TB, rows int) []byte {
	tb.Helper()
	src, err := os.ReadFile("testdata/mini/zz.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	var t strings.Builder
	t.WriteString("  duty:\n    match: hs_prefix\n    entries:\n")
	t.WriteString("      - {key: \"8471\", value: \"0\", source: test, confidence: confirmed}\n")
	for i := range rows - 1 {
		if i%2 == 0 {
			fmt.Fprintf(&t, "      - {key: \"8471%06d\", value: \"0.%02d\", source: test, effective_to: 2025-12-31, confidence: confirmed}\n", i/2, i%100)
		} else {
			fmt.Fprintf(&t, "      - {key: \"8471%06d\", value: \"0\", source: test, effective_from: 2026-01-01, confidence: unconfirmed}\n", i/2)
		}
	}
	old := "  duty:\n    match: hs_prefix\n    entries:\n" +
		"      - {key: \"8471\", value: \"0\", source: \"test\", confidence: confirmed}\n" +
		"      - {key: \"851762\", value: \"0.05\", source: \"test\", confidence: unconfirmed}\n"
	if !strings.Contains(string(src), old) {
		tb.Fatal("testdata/mini/zz.yaml no longer has the duty table this benchmark replaces")
	}
	return []byte(strings.Replace(string(src), old, t.String(), 1))
}

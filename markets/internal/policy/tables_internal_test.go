package policy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	celtypes "github.com/google/cel-go/common/types"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/stretchr/testify/require"
)

// linearFind is the lookup as it was before rows were sorted (a scan of
// every row for every lookup, listing every finer row), kept to check that
// the binary searches choose the same rows.
func linearFind(t *Table, key string, d iorules.Date) (*Entry, string, bool) {
	switch t.Match {
	case MatchExact:
		for _, e := range t.Entries {
			if e.Key == key && e.inForce(d) {
				return e, "", true
			}
		}
		return nil, "missing", false
	}
	var best *Entry
	var finer []*Entry
	has := false
	for _, e := range t.Entries {
		if !e.inForce(d) {
			continue
		}
		switch {
		case strings.HasPrefix(key, e.Key):
			has = true
			if best == nil || len(e.Key) > len(best.Key) {
				best = e
			}
		case strings.HasPrefix(e.Key, key):
			has = true
			finer = append(finer, e)
		}
	}
	for _, e := range finer {
		if best == nil || !e.Value.Equal(best.Value) {
			keys := make([]string, 0, len(finer))
			for _, f := range finer {
				keys = append(keys, iorules.HSCode(f.Key).String()+" ("+f.Value.String()+")")
			}
			sort.Strings(keys)
			return nil, fmt.Sprintf("HS code %s is not precise enough: table %s distinguishes %s; declare the full national tariff line",
				iorules.HSCode(key).String(), t.Name, strings.Join(keys, ", ")), has
		}
	}
	if best == nil {
		return nil, fmt.Sprintf("table %s has no entry covering HS code %s in force on %s", t.Name, iorules.HSCode(key).String(), d), has
	}
	return best, "", has
}

// randomTable makes a table of random rows: keys that prefix one another,
// each key in disjoint windows, in random order.
func randomTable(r *rand.Rand, match string) *Table {
	keys := []string{"84", "847", "8471", "84715", "847150", "8471501", "84715010", "847150109", "84715090", "8473", "847330", "85", "8517", "851762", "85176210", "85176290"}
	windows := [][2]string{{"", "2024-12-31"}, {"2025-01-01", "2025-06-30"}, {"2025-07-01", "2025-12-31"}, {"2026-01-01", ""}}
	values := []exact.Dec{exact.New(0, 0), exact.New(5, -2), exact.New(1, -1)}
	date := func(s string) iorules.Date {
		if s == "" {
			return iorules.Date{}
		}
		return iorules.MustParseDate(s)
	}
	t := &Table{Name: "t", Match: match}
	for _, k := range keys {
		if r.IntN(3) == 0 {
			continue
		}
		if r.IntN(4) == 0 { // one row without a window
			t.Entries = append(t.Entries, &Entry{Key: k, Value: values[r.IntN(len(values))]})
			continue
		}
		for _, w := range windows {
			if r.IntN(2) == 0 {
				t.Entries = append(t.Entries, &Entry{Key: k, Value: values[r.IntN(len(values))],
					EffectiveFrom: date(w[0]), EffectiveTo: date(w[1])})
			}
		}
	}
	r.Shuffle(len(t.Entries), func(i, j int) { t.Entries[i], t.Entries[j] = t.Entries[j], t.Entries[i] })
	return t
}

// TestLookupMatchesLinearScan checks, on random tables, that the sorted
// rows and binary searches choose the row the plain scan chose, give the
// same answer to has_entry and the same message (when it names every
// row), and that the lookups of one evaluation cost at most callCost each
// plus scanBound in all.
func TestLookupMatchesLinearScan(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 5))
	queries := []string{"", "8", "84", "847", "8471", "847150", "84715010", "8471501099", "847150109", "8473", "84733000", "8517", "851762", "85176210", "9999", "x", "8471ab"}
	dates := []string{"2024-06-01", "2024-12-31", "2025-01-01", "2025-06-30", "2025-07-01", "2025-12-31", "2026-01-01", "2027-06-01"}
	for i := range 150 {
		match := MatchHSPrefix
		if i%3 == 0 {
			match = MatchExact
		}
		tb := randomTable(r, match)
		plain := &Table{Name: tb.Name, Match: tb.Match, Entries: slices.Clone(tb.Entries)}
		c := &compiler{file: "t.yaml"}
		c.checkOverlaps(tb, make([]position, len(tb.Entries)), "table t")
		require.Empty(t, c.issues)
		for _, e := range tb.Entries {
			tb.scanBound += uint64(len(e.Key)) + 1
		}
		for _, ds := range dates {
			d := iorules.MustParseDate(ds)
			ctx := &evalCtx{date: d, rec: &recorder{}, tables: map[string]*Table{"t": tb}}
			var cost, calls uint64
			for range 3 { // the second and third rounds hit the memo
				for _, q := range queries {
					wantE, wantWhy, wantHas := linearFind(plain, q, d)
					gotE, gotGap := ctx.find(tb, q)
					gotWhy := gotGap.why
					cost += ctx.rec.cost
					calls++
					require.Same(t, wantE, gotE, "table %d, key %q on %s", i, q, ds)
					require.Equal(t, wantWhy == "", gotWhy == "", "table %d, key %q on %s: %q", i, q, ds, gotWhy)
					if match == MatchHSPrefix && !strings.Contains(gotWhy, "more rows") && wantWhy != "missing" {
						require.Equal(t, wantWhy, gotWhy, "table %d, key %q on %s", i, q, ds)
					}
					require.Equal(t, celtypes.Bool(wantHas), ctx.hasEntry("t", q), "table %d, key %q on %s", i, q, ds)
					cost += ctx.rec.cost
					calls++
				}
			}
			require.LessOrEqual(t, cost, calls*tb.callCost()+tb.scanBound, "table %d on %s", i, ds)
		}
	}
}

// TestFinerScanOncePerEvaluation checks that 10,000 lookups of a code with
// 20,000 rows below it scan those rows once.
func TestFinerScanOncePerEvaluation(t *testing.T) {
	tb := &Table{Name: "t", Match: MatchHSPrefix}
	tb.Entries = append(tb.Entries, &Entry{Key: "8471", Value: exact.New(0, 0)})
	for i := range 20_000 {
		tb.Entries = append(tb.Entries, &Entry{Key: fmt.Sprintf("847150%05d", i), Value: exact.New(int64(i%2), -1)})
	}
	c := &compiler{file: "t.yaml"}
	c.checkOverlaps(tb, make([]position, len(tb.Entries)), "table t")
	ctx := &evalCtx{date: iorules.MustParseDate("2026-01-01"), rec: &recorder{}, tables: map[string]*Table{"t": tb}}
	var cost uint64
	for range 10_000 {
		_, g := ctx.find(tb, "847150")
		why := g.why
		require.Contains(t, why, "and 19995 more rows")
		require.Less(t, len(why), 300)
		cost += ctx.rec.cost
	}
	require.Less(t, cost, uint64(20_000+10_000+tb.callCost()))
}

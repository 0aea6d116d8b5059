package policytest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// TestCaseNamesEveryLineWhateverTheCause checks that a case's not_computed
// and reasons name, per tax and per rule, every line the decision gives,
// although the engine splits them by cause (one table miss per HS code).
func TestCaseNamesEveryLineWhateverTheCause(t *testing.T) {
	d := markets.Decision{
		Verdict: markets.Conditional,
		NotComputed: []markets.NotComputed{
			{Tax: "xx.duty", Lines: []int{3}, Code: "fact_missing", Rule: "xx.duty", Message: "no entry covering HS code 8507.60"},
			{Tax: "xx.duty", Lines: []int{1}, Code: "fact_missing", Rule: "xx.duty", Message: "no entry covering HS code 9403.20"},
			{Tax: "xx.vat", Lines: []int{1, 3}, Code: "fact_missing", Rule: "xx.duty", Message: "it depends on xx.duty"},
		},
		Reasons: []iorules.Reason{
			{Code: "fact_missing", Severity: iorules.SeverityCondition, Rule: "xx.duty", Lines: []int{3}},
			{Code: "fact_missing", Severity: iorules.SeverityCondition, Rule: "xx.duty", Lines: []int{1}},
		},
	}
	for _, tt := range []struct {
		name  string
		want  expectSpec
		match bool
	}{
		{"every line of the tax", expectSpec{Verdict: "conditional",
			NotComputed: []notComputedSpec{{Tax: "xx.duty", Lines: []int{1, 3}}, {Tax: "xx.vat", Lines: []int{1, 3}}},
			Reasons:     []reasonSpec{{Code: "fact_missing", Rule: "xx.duty", Lines: []int{1, 3}}}}, true},
		{"one cause's reason alone", expectSpec{Verdict: "conditional",
			Reasons: []reasonSpec{{Code: "fact_missing", Rule: "xx.duty", Lines: []int{3}}}}, true},
		{"a line too few", expectSpec{Verdict: "conditional",
			NotComputed: []notComputedSpec{{Tax: "xx.duty", Lines: []int{1}}, {Tax: "xx.vat", Lines: []int{1, 3}}}}, false},
		{"a line too many", expectSpec{Verdict: "conditional",
			Reasons: []reasonSpec{{Code: "fact_missing", Rule: "xx.duty", Lines: []int{1, 2, 3}}}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			diff := cmp.Diff(expected(tt.want), actual(tt.want, d))
			require.Equal(t, tt.match, diff == "", diff)
		})
	}
}

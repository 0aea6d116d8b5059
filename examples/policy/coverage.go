package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
)

// coverage is what the cases of one market exercised, and what there is.
type coverage struct {
	market iorules.Country
	cases  int
	// rules, taxes and rows are every id (row) of the policy, in policy
	// order; the maps hold those the cases exercised.
	rules, taxes []string
	rows         []row
	firedRules   map[string]bool
	appliedTaxes map[string]bool
	readRows     map[row]bool
	// rowsMeasured is false when the decisions say nothing of the rows
	// they read (no explanation): rows are then left out of the figures.
	rowsMeasured bool
}

func newCoverage(engine *markets.Engine, market iorules.Country, pf *policyFile) *coverage {
	c := &coverage{market: market, firedRules: map[string]bool{}, appliedTaxes: map[string]bool{}, readRows: map[row]bool{}}
	if d, ok := engine.Describe(market); ok {
		for _, r := range d.Rules {
			c.rules = append(c.rules, r.ID)
		}
		for _, t := range d.Taxes {
			c.taxes = append(c.taxes, t.ID)
		}
	}
	if pf != nil {
		c.rows = pf.rows()
	}
	return c
}

// add records what one decision exercised.
func (c *coverage) add(d markets.Decision) {
	c.cases++
	for _, f := range d.Fired {
		c.firedRules[f.Rule] = true
	}
	observeExplanation(c, d)
}

// total and hit count everything measured.
func (c *coverage) counts() (hit, total int) {
	hit = len(c.hitRules()) + len(c.hitTaxes())
	total = len(c.rules) + len(c.taxes)
	if c.rowsMeasured {
		hit += len(c.rows) - len(c.unreadRows())
		total += len(c.rows)
	}
	return hit, total
}

// percent is everything exercised over everything measured; a policy with
// nothing to exercise is fully covered.
func (c *coverage) percent() float64 {
	hit, total := c.counts()
	if total == 0 {
		return 100
	}
	return 100 * float64(hit) / float64(total)
}

func (c *coverage) hitRules() []string {
	return filter(c.rules, func(id string) bool { return c.firedRules[id] })
}

func (c *coverage) hitTaxes() []string {
	return filter(c.taxes, func(id string) bool { return c.appliedTaxes[id] })
}

func (c *coverage) unreadRows() []row {
	return filter(c.rows, func(r row) bool { return !c.readRows[r] })
}

func filter[T any](in []T, keep func(T) bool) []T {
	var out []T
	for _, v := range in {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// write prints the coverage line of the market and what was never
// exercised:
//
//	coverage BR: 12 cases, rules 30/41, taxes 8/9, table rows 52/120: 52.9%
//	  rules never fired: br.a, br.b
//	  taxes never applied: br.c
//	  table rows never read: icms_rate[BR-AC from 2025-01-01], ...
func (c *coverage) write(w io.Writer) {
	rows := "table rows not measured"
	if c.rowsMeasured {
		rows = fmt.Sprintf("table rows %d/%d", len(c.rows)-len(c.unreadRows()), len(c.rows))
	}
	fmt.Fprintf(w, "coverage %s: %d cases, rules %d/%d, taxes %d/%d, %s: %.1f%%\n", c.market, c.cases,
		len(c.hitRules()), len(c.rules), len(c.hitTaxes()), len(c.taxes), rows, c.percent())
	if ids := filter(c.rules, func(id string) bool { return !c.firedRules[id] }); len(ids) > 0 {
		fmt.Fprintf(w, "  rules never fired: %s\n", strings.Join(ids, ", "))
	}
	if ids := filter(c.taxes, func(id string) bool { return !c.appliedTaxes[id] }); len(ids) > 0 {
		fmt.Fprintf(w, "  taxes never applied: %s\n", strings.Join(ids, ", "))
	}
	if !c.rowsMeasured {
		return
	}
	if unread := c.unreadRows(); len(unread) > 0 {
		names := make([]string, len(unread))
		for i, r := range unread {
			names[i] = r.String()
		}
		fmt.Fprintf(w, "  table rows never read: %s\n", strings.Join(names, ", "))
	}
}

// observeExplanation records the taxes and rows a decision exercised.
//
// SEAM (markets explanation API): the engine does not yet say whether a
// tax's when held nor which rows a lookup read. Until
// markets.WithExplanation lands, a tax counts as applied when the decision
// has a base or a non-zero amount for it (a tax whose when did not hold has
// neither), and rows are not measured. With the API this becomes: a tax
// counts when an Explanation.Taxes entry has Applies, a row when a
// RowUse of any rule or tax names it.
func observeExplanation(c *coverage, d markets.Decision) {
	for _, t := range d.Taxes {
		if t.Base != nil || !t.Amount.IsZero() {
			c.appliedTaxes[t.ID] = true
		}
	}
}

// evalOptions are the evaluation options the test command passes so that
// decisions explain themselves (none until the explanation API lands).
func evalOptions() []markets.EvalOption { return nil }

// sortedMarkets returns the keys of m in order.
func sortedMarkets[V any](m map[iorules.Country]V) []iorules.Country {
	out := make([]iorules.Country, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

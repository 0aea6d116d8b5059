package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
)

// coverage is what the cases of one market exercised, and what there is.
type coverage struct {
	market iorules.Country
	cases  int
	// rules, taxes and rows are every id (row) of the policy, in policy
	// order; the maps hold those the cases exercised.
	rules, taxes []string
	rows         []rowDef
	firedRules   map[string]bool
	appliedTaxes map[string]bool
	readRows     map[row]bool
	// byWindow finds the rows a RowUse may name: those of its table, key
	// and window start.
	byWindow map[row][]rowDef
}

func newCoverage(engine *markets.Engine, market iorules.Country, pf *policyFile) *coverage {
	c := &coverage{market: market, firedRules: map[string]bool{}, appliedTaxes: map[string]bool{},
		readRows: map[row]bool{}, byWindow: map[row][]rowDef{}}
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
	for _, r := range c.rows {
		k := row{Table: r.Table, Key: r.Key, From: r.From}
		c.byWindow[k] = append(c.byWindow[k], r)
	}
	return c
}

// evalOptions are the evaluation options of the test command: decisions
// explain themselves, which is how coverage knows what they exercised.
func evalOptions() []markets.EvalOption { return []markets.EvalOption{markets.WithExplanation()} }

// add records what one decision exercised: the rules that fired, the
// taxes whose when held (for any declaration group), and the rows a rule
// or tax read. A decision without an explanation counts its fired rules
// only.
func (c *coverage) add(d markets.Decision) {
	c.cases++
	for _, f := range d.Fired {
		c.firedRules[f.Rule] = true
	}
	x := d.Explanation
	if x == nil {
		return
	}
	for _, r := range x.Rules {
		if r.Fired {
			c.firedRules[r.Rule] = true
		}
		c.read(r.Rows)
	}
	for _, t := range x.Taxes {
		if t.Applies {
			c.appliedTaxes[t.Tax] = true
		}
		c.read(t.Rows)
	}
}

// read marks the rows of the policy file that uses name. A RowUse names
// its table, key and window; a tiers table's rows share their key, and
// the RowUse does not give the tier's bounds, so among rows of the same
// window it is told by its value. Rows the caller supplied are not the
// file's.
func (c *coverage) read(uses []markets.RowUse) {
	for _, u := range uses {
		if u.Caller {
			continue
		}
		k := row{Table: u.Table, Key: u.Key}
		if !u.EffectiveFrom.IsZero() {
			k.From = u.EffectiveFrom.String()
		}
		for _, r := range c.byWindow[k] {
			if r.Tier != "" {
				if v, err := decimal.NewFromString(r.value); err != nil || !v.Equal(u.Value) {
					continue
				}
			}
			c.readRows[r.row] = true
		}
	}
}

// counts gives everything exercised and everything there is.
func (c *coverage) counts() (hit, total int) {
	hit = len(c.hitRules()) + len(c.hitTaxes()) + len(c.rows) - len(c.unreadRows())
	total = len(c.rules) + len(c.taxes) + len(c.rows)
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

func (c *coverage) unreadRows() []rowDef {
	return filter(c.rows, func(r rowDef) bool { return !c.readRows[r.row] })
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
//	  table rows never read:
//	    icms_rate[BR-AC from 2026-01-01 to 2027-12-31], ...
//	    ii_rate[8415], ...
func (c *coverage) write(w io.Writer) {
	unread := c.unreadRows()
	fmt.Fprintf(w, "coverage %s: %d cases, rules %d/%d, taxes %d/%d, table rows %d/%d: %.1f%%\n", c.market, c.cases,
		len(c.hitRules()), len(c.rules), len(c.hitTaxes()), len(c.taxes), len(c.rows)-len(unread), len(c.rows), c.percent())
	if ids := filter(c.rules, func(id string) bool { return !c.firedRules[id] }); len(ids) > 0 {
		fmt.Fprintf(w, "  rules never fired: %s\n", strings.Join(ids, ", "))
	}
	if ids := filter(c.taxes, func(id string) bool { return !c.appliedTaxes[id] }); len(ids) > 0 {
		fmt.Fprintf(w, "  taxes never applied: %s\n", strings.Join(ids, ", "))
	}
	if len(unread) > 0 {
		fmt.Fprintf(w, "  table rows never read:\n")
		for i := 0; i < len(unread); {
			j := i
			var names []string
			for ; j < len(unread) && unread[j].Table == unread[i].Table; j++ {
				names = append(names, unread[j].row.String())
			}
			fmt.Fprintf(w, "    %s\n", strings.Join(names, ", "))
			i = j
		}
	}
}

// sortedMarkets returns the keys of m in order.
func sortedMarkets[V any](m map[iorules.Country]V) []iorules.Country {
	out := make([]iorules.Country, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

package main

import (
	"fmt"
	"strings"

	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
)

// writeExplanation writes, with -explain, how each tax of each group came
// about and why each rule fired or did not.
func writeExplanation(p *printer, d markets.Decision) {
	e := d.Explanation
	if e == nil {
		return
	}
	p.line("")
	p.line("Explanation (how each figure came about)")
	if e.ExchangeRate != nil && d.Valuation != nil {
		p.line("  Exchange rate: %s %s per %s, on %s", e.ExchangeRate, d.Valuation.Currency, d.Valuation.SourceCurrency, e.RateDate)
	}
	for _, t := range e.Taxes {
		where := "the declaration"
		if t.Group > 0 {
			where = fmt.Sprintf("group %d (%s)", t.Group, linesText(t.Lines))
		}
		switch {
		case t.NotComputed != "":
			p.para("  - ", fmt.Sprintf("%s, %s: not computed: %s", t.Tax, where, t.NotComputed))
		case !t.Applies:
			p.para("  - ", fmt.Sprintf("%s, %s: 0, its condition did not hold (%s)", t.Tax, where, t.When))
		case t.Rate != nil:
			p.para("  - ", fmt.Sprintf("%s, %s: %s x %s = %s, rounded %s to %s", t.Tax, where,
				plain(t.Base), t.Rate, plain(t.Unrounded), t.Rounding, plain(t.Amount)))
		default:
			p.para("  - ", fmt.Sprintf("%s, %s: %s, rounded %s to %s", t.Tax, where, plain(t.Unrounded), t.Rounding, plain(t.Amount)))
		}
		for _, term := range t.BaseTerms {
			p.para("      ", fmt.Sprintf("base term %s = %s", term.Expr, term.Value))
		}
		for _, r := range t.Rows {
			p.para("      ", rowText(r))
		}
	}
	p.line("  Rules")
	for _, r := range e.Rules {
		state := "did not fire"
		if r.Fired {
			state = "fired"
		}
		p.para("  - ", fmt.Sprintf("%s (%s) %s: %s", r.Rule, r.Kind, state, r.Why))
		for _, c := range r.Conditions {
			p.para("      ", fmt.Sprintf("%s = %s", strings.Join(strings.Fields(c.Expr), " "), c.Value))
		}
		for _, row := range r.Rows {
			p.para("      ", rowText(row))
		}
	}
}

func rowText(r markets.RowUse) string {
	from, to := "open", "open"
	if !r.EffectiveFrom.IsZero() {
		from = r.EffectiveFrom.String()
	}
	if !r.EffectiveTo.IsZero() {
		to = r.EffectiveTo.String()
	}
	return fmt.Sprintf("from table %s, row %s = %s (%s to %s, %s): %s", r.Table, r.Key, r.Value, from, to, r.Confidence, r.Source)
}

func plain(d *decimal.Decimal) string {
	if d == nil {
		return "-"
	}
	return d.String()
}

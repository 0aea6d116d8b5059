package markets

import (
	"slices"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/iorules/iorules/markets/internal/policy"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// applyTaxes runs the policy's tax chain over the declaration groups, then
// splits each group's amounts over its lines and sums the declaration
// totals. A tax not computed for some lines is listed in NotComputed, and
// the decision then has no total: only a partial total, named as such.
func (ev *evaluation) applyTaxes() {
	d := ev.d
	d.Taxes = make([]Tax, 0, len(ev.pol.Taxes))
	ev.run.ApplyTaxes()
	ev.splitLines(ev.run.Groups(), ev.pol.Currency.MinorUnits())
	total := decimal.Zero
	for _, t := range d.Taxes {
		if !t.Informational {
			total = total.Add(t.Amount)
		}
	}
	if len(ev.missing) > 0 {
		// A total that silently leaves a tax out is worse than none: only
		// the sum of what was computed, named partial.
		d.NotComputed = ev.missing.sorted(ev.pol.Taxes)
		d.PartialTotalTaxes = &total
		return
	}
	v := d.Valuation
	// Start from the customs value as the law rounds it, not from its
	// separately rounded parts, which may differ from it by a minor unit
	// per line. On a FOB basis, freight and insurance are added.
	landed := v.CustomsValue
	if v.Basis == valuation.FOB {
		landed = landed.Add(v.Freight).Add(v.Insurance)
	}
	landed = landed.Add(v.DestinationHandling).Add(v.DestinationInland).Add(total)
	d.TotalTaxes, d.LandedCost = &total, &landed
}

// Tax adds one tax of the chain, summed over the declaration, to the
// decision (policy.Sink).
func (ev *evaluation) Tax(t *policy.Tax, sum policy.TaxSum) {
	summary := Tax{ID: t.ID, Name: t.Name, Informational: t.Informational, Source: t.Source, Confidence: t.Confidence, Rule: t.ID,
		Base: sum.Base, Rate: sum.Rate, Amount: sum.Amount, Partial: sum.Partial}
	if sum.Unconfirmed {
		// A figure is as confirmed as the weakest rule or row it rests on.
		summary.Confidence = "unconfirmed"
	}
	if ev.d.Taxes == nil {
		ev.d.Taxes = make([]Tax, 0, len(ev.pol.Taxes))
	}
	ev.d.Taxes = append(ev.d.Taxes, summary)
	if t.Confidence == iorules.ConfidenceUnconfirmed && !summary.Amount.IsZero() {
		ev.addReason(iorules.Reason{
			Code: CodeUnconfirmedRule, Severity: iorules.SeverityInfo, Rule: t.ID, Source: t.Source,
			Message: t.UnconfirmedNote,
		})
	}
}

// NotComputed records that tax t could not be computed for lines
// (policy.Sink).
func (ev *evaluation) NotComputed(t *policy.Tax, lines []int, why *iorules.Reason) {
	ev.missing.add(t.ID, lines, why)
}

// notComputedList gathers, per tax and cause, the lines a tax was not
// computed for and why: lines that failed for different reasons (a table
// miss on two different HS codes) are separate entries, so each message
// is true of every line it lists.
type notComputedList []NotComputed

func (l *notComputedList) add(tax string, lines []int, why *iorules.Reason) {
	msg := why.Message
	if why.Rule != tax {
		msg = "it depends on " + why.Rule + ", which was not computed: " + msg
	}
	for i := range *l {
		if nc := &(*l)[i]; nc.Tax == tax && nc.Message == msg && nc.Code == why.Code {
			nc.Lines = append(nc.Lines, lines...)
			return
		}
	}
	nc := NotComputed{Tax: tax, Lines: slices.Clone(lines), Code: why.Code, Rule: why.Rule, Message: msg}
	if why.Missing != nil {
		row := *why.Missing // the entry's own copy: nothing in a decision is shared
		nc.Missing = &row
	}
	*l = append(*l, nc)
}

// sorted returns the list in chain order (taxes: the policy's taxes in
// order), the entries of one tax by first line, each with its lines
// sorted.
func (l notComputedList) sorted(taxes []*policy.Tax) []NotComputed {
	for i := range l {
		slices.Sort(l[i].Lines)
	}
	pos := func(id string) int {
		return slices.IndexFunc(taxes, func(t *policy.Tax) bool { return t.ID == id })
	}
	slices.SortStableFunc(l, func(a, b NotComputed) int {
		if c := pos(a.Tax) - pos(b.Tax); c != 0 {
			return c
		}
		return a.Lines[0] - b.Lines[0]
	})
	return l
}

// splitLines gives each line its share of its group's taxes, pro rata to
// customs value, so that lines always sum exactly to the group.
//
// The weights of a group are converted once for all its taxes, and the
// shares computed on exact.Dec; each line's amounts and rates are then
// decimals of its own, made for it.
func (ev *evaluation) splitLines(groups []*policy.Group, places int32) {
	out := make([]Line, len(ev.s.Items))
	valued := ev.d.Valuation.Lines // in the order of the items
	customs := func(idx int) decimal.Decimal {
		if idx < len(valued) {
			return valued[idx].CustomsValue
		}
		return decimal.Decimal{}
	}
	// One array for the rates of every line: each line has its own
	// variable, so a caller may write to any part of a decision.
	nRates := 0
	for _, g := range groups {
		for _, ti := range g.Computed {
			if g.HasRate[ti] {
				nRates += len(g.Items)
			}
		}
	}
	rates := make([]decimal.Decimal, 0, nRates)
	var weights, shares []exact.Dec
	for gi, g := range groups {
		n, m := len(g.Items), len(g.Computed)
		weights, shares = slices.Grow(weights[:0], n)[:n], slices.Grow(shares[:0], n)[:n]
		// One array for the taxes of the group's lines, each line's slice
		// capped at its own part: appending to one never writes another's.
		taxes := make([]LineTax, n*m)
		for i, idx := range g.Items {
			cv := customs(idx)
			weights[i] = exact.FromDecimal(cv)
			out[idx] = Line{Line: ev.s.Items[idx].Line, Group: gi + 1, CustomsValue: cv, Taxes: taxes[i*m : i*m : (i+1)*m]}
		}
		for _, ti := range g.Computed {
			amount := g.Amounts[ti]
			if n == 1 { // a group of one line
				shares[0] = amount
			} else if _, err := policy.Split(amount, weights, places, shares); err != nil {
				continue
			}
			id := ev.pol.Taxes[ti].ID
			// The group's rate, made once: decimal values are immutable,
			// and each line gets its own variable holding it.
			var rate decimal.Decimal
			if g.HasRate[ti] {
				rate = g.Rates[ti].Decimal()
			}
			for i, idx := range g.Items {
				lt := LineTax{ID: id, Amount: shares[i].Decimal()}
				if g.HasRate[ti] {
					rates = append(rates, rate)
					lt.Rate = &rates[len(rates)-1]
				}
				out[idx].Taxes = append(out[idx].Taxes, lt)
			}
		}
	}
	ev.d.Lines = out
}

package markets

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// group is one declaration item (an adição in Brazil): the lines that share
// the policy's group_by fields. Taxes are computed and rounded per group.
type group struct {
	items   []int // indexes into Shipment.Items
	lines   []int // the items' line numbers
	values  lineValues
	lineVal ref.Val // values as the CEL `line` of the group's tax expressions
	taxes   *taxMap // the CEL `tax` of the group's expressions
	// amounts and rates are by index in policy.taxes; hasRate tells a tax
	// computed as base × rate from an amount.
	amounts []exact.Dec
	rates   []exact.Dec
	hasRate []bool
	// computed lists, in chain order, the indexes of the taxes computed
	// for the group.
	computed []int
}

// appendGroupKey appends to b the values of it that decide its group.
func appendGroupKey(b []byte, it *iorules.Item, fields []string) []byte {
	for _, f := range fields {
		switch f {
		case "line":
			b = strconv.AppendInt(b, int64(it.Line), 10)
		case "hs_code":
			b = append(b, it.HSCode.Digits()...)
		case "hs6":
			b = append(b, it.HSCode.HS6()...)
		case "country_of_origin":
			b = append(b, it.CountryOfOrigin...)
		case "tariff_exemption":
			b = append(b, it.TariffExemption...)
		case "category":
			b = append(b, it.Category...)
		case "condition":
			b = append(b, it.Condition...)
		}
		b = append(b, 0)
	}
	return b
}

// appendDocumentKey appends to b which of the documents that name their
// lines name line: lines a certificate covers and lines it does not are
// declared as separate items (a preference is claimed per item), so that
// a group-scope tax reading has_document() applies to every line of its
// group or to none.
func appendDocumentKey(b []byte, line int, docs []iorules.Document) []byte {
	for i, d := range docs {
		if len(d.Lines) > 0 && slices.Contains(d.Lines, line) {
			b = strconv.AppendInt(append(b, 'd'), int64(i), 10)
		}
	}
	return append(b, 0)
}

// buildGroups splits the lines into declaration groups, in order of first
// line.
func (ev *evaluation) buildGroups() []*group {
	index := map[string]*group{}
	var out []*group
	var key []byte
	n := len(ev.pol.taxes)
	for i := range ev.s.Items {
		key = appendGroupKey(key[:0], &ev.s.Items[i], ev.pol.groupBy)
		key = appendDocumentKey(key, ev.s.Items[i].Line, ev.s.Documents)
		g, ok := index[string(key)]
		if !ok {
			g = &group{
				taxes:   newTaxMap(ev.pol.taxNames),
				amounts: make([]exact.Dec, n),
				rates:   make([]exact.Dec, n),
				hasRate: make([]bool, n),
			}
			index[string(key)] = g
			out = append(out, g)
		}
		g.items = append(g.items, i)
		g.lines = append(g.lines, ev.s.Items[i].Line)
		g.values.add(ev.lines[i])
	}
	for _, g := range out {
		g.lineVal = ev.provider.NativeToValue(&g.values)
	}
	return out
}

func (ev *evaluation) round(t *tax, d exact.Dec) exact.Dec {
	places := ev.pol.currency.MinorUnits()
	if t.halfEven {
		return d.RoundBank(places)
	}
	return d.Round(places)
}

// runDecimal evaluates an expression the checker typed as a decimal; with
// once set (the expression reads nothing of the group), only on its first
// call in the evaluation.
func (ev *evaluation) runDecimal(prg cel.Program, once bool, id, what string, lines []int) (exact.Dec, *iorules.Reason) {
	v, r := ev.runOnce(prg, once, id, what, lines)
	if r != nil {
		return exact.Dec{}, r
	}
	d, ok := asDecimal(v)
	if !ok {
		return exact.Dec{}, ev.typeReason(id, lines, fmt.Errorf("%s gave %s, want a decimal", what, v.Type().TypeName()))
	}
	return d, nil
}

// runOnce is run, remembering the value of prg for the rest of the
// evaluation when once is set.
func (ev *evaluation) runOnce(prg cel.Program, once bool, id, what string, lines []int) (ref.Val, *iorules.Reason) {
	once = once && ev.explain == nil // explained: every group reads its rows
	if once {
		if v, ok := ev.once[prg]; ok {
			if v.unconfirmed {
				ev.rec.unconfirmedReads++ // as the first evaluation did
			}
			return v.val, nil
		}
	}
	reads := ev.rec.unconfirmedReads
	v, r := ev.run(prg, id, what, lines)
	if r == nil && once {
		if ev.once == nil {
			ev.once = map[cel.Program]onceValue{}
		}
		ev.once[prg] = onceValue{val: v, unconfirmed: ev.rec.unconfirmedReads > reads}
	}
	return v, r
}

// onceValue is the value of an expression evaluated once per declaration,
// and whether it read an unconfirmed table row.
type onceValue struct {
	val         ref.Val
	unconfirmed bool
}

// taxOutcome is one tax computed for one group or for the declaration.
type taxOutcome struct {
	amount    exact.Dec
	unrounded exact.Dec
	base      exact.Dec // with rate, when hasRate
	rate      exact.Dec
	applies   bool // false when the tax's condition did not hold; amount is zero
	hasRate   bool // the tax is base × rate rather than an amount
}

// computeTax evaluates when, rate, base or amount of t with the variables
// currently bound, or returns a reason when the tax could not be computed.
func (ev *evaluation) computeTax(t *tax, lines []int) (taxOutcome, *iorules.Reason) {
	ev.act.rate = nil
	if t.when != nil {
		v, r := ev.runOnce(t.when, t.whenOnce, t.id, "the condition", lines)
		if r != nil || v != types.True {
			return taxOutcome{}, r
		}
	}
	if t.amount != nil {
		a, r := ev.runDecimal(t.amount, false, t.id, "the amount", lines)
		if r != nil {
			return taxOutcome{}, r
		}
		return taxOutcome{amount: ev.round(t, a), unrounded: a, applies: true}, nil
	}
	rate, r := ev.runDecimal(t.rate, t.rateOnce, t.id, "the rate", lines)
	if r != nil {
		return taxOutcome{}, r
	}
	ev.act.rate = newDec(rate)
	base, r := ev.runDecimal(t.base, false, t.id, "the base", lines)
	ev.act.rate = nil
	if r != nil {
		return taxOutcome{}, r
	}
	return taxOutcome{amount: ev.round(t, base.Mul(rate)), unrounded: base.Mul(rate), base: base, rate: rate, applies: true, hasRate: true}, nil
}

func (ev *evaluation) typeReason(id string, lines []int, err error) *iorules.Reason {
	return &iorules.Reason{Code: CodeRuleError, Severity: iorules.SeverityDecline, Lines: lines, Rule: id,
		Message: fmt.Sprintf("%s: %v", id, err), Unblock: "Fix the market policy."}
}

// applyTaxes runs the tax chain over the declaration groups, then splits
// each group's amounts over its lines and sums the declaration totals.
//
// A tax that cannot be computed for a group (a rate the tables lack, a
// fact not given) is missing for that group only, and so is every later
// tax of the group that reads it (tax.<name>); the group's other taxes and
// every other group go on. The decision then lists what was not computed, and no
// total: only a partial total, named as such.
func (ev *evaluation) applyTaxes() {
	d := ev.d
	groups := ev.groups
	places := ev.pol.currency.MinorUnits()
	groupCV := make([]decimal.Decimal, len(groups))
	for i, g := range groups {
		groupCV[i] = g.values.CustomsValue.Decimal()
	}
	d.Taxes = make([]Tax, 0, len(ev.pol.taxes))
	// failed[i] lists, in chain order, the taxes that could not be
	// computed for group i and why: a later tax that reads one is not
	// computed for that group either; the others are.
	type failure struct {
		short string
		why   *iorules.Reason
	}
	failed := make([][]failure, len(groups))
	blocked := func(gi int, t *tax) *iorules.Reason {
		for _, f := range failed[gi] {
			if t.dependsOn(f.short) {
				return f.why
			}
		}
		return nil
	}
	fail := func(gi int, t *tax, why *iorules.Reason) {
		failed[gi] = append(failed[gi], failure{t.short, why})
	}
	var missing notComputedList
	for ti, t := range ev.pol.taxes {
		if !inWindow(ev.s.Date, t.effectiveFrom, t.effectiveTo) {
			// A tax not in force on the date is not charged: a later tax
			// that reads it reads zero, as it would a tax whose condition
			// did not hold. It is not listed in the decision.
			for _, g := range groups {
				g.taxes.set(ti, newDec(exact.Dec{}))
			}
			continue
		}
		summary := Tax{ID: t.id, Name: t.name, Informational: t.informational, Source: t.source, Confidence: t.confidence, Rule: t.id}
		reads := ev.rec.unconfirmedReads
		computed := 0 // groups for which the tax was computed
		if t.scope == scopeDeclaration {
			ev.unbindItem()
			ev.act.tax = nil
			traced := len(ev.rec.trace)
			out, reason := ev.computeTax(t, nil)
			if ev.explain != nil {
				ev.explainTax(t, 0, ev.allLines(), out, reason, traced)
			}
			var shares []decimal.Decimal
			if reason == nil {
				var err error
				if shares, err = valuation.Allocate(out.amount.Decimal(), groupCV, places); err != nil {
					reason = ev.typeReason(t.id, nil, err)
				}
			}
			if reason != nil {
				ev.addReason(*reason)
				for gi := range groups {
					fail(gi, t, reason)
				}
			} else {
				for i, g := range groups {
					share := exact.FromDecimal(shares[i])
					g.amounts[ti] = share
					g.taxes.set(ti, newDec(share))
					g.rates[ti], g.hasRate[ti] = out.rate, out.hasRate
					g.computed = append(g.computed, ti)
				}
				computed = len(groups)
				if out.hasRate {
					base, rate := out.base.Decimal(), out.rate.Decimal()
					summary.Base, summary.Rate = &base, &rate
				}
				summary.Amount = out.amount.Decimal()
			}
		} else {
			var total, baseSum exact.Dec
			var uniform *exact.Dec
			mixed, anyRate := false, false
			for gi, g := range groups {
				if why := blocked(gi, t); why != nil {
					fail(gi, t, why)
					continue
				}
				ev.bindItem(g.items[0])
				ev.ctx.groupLines = g.lines
				ev.act.line = g.lineVal
				ev.act.tax = g.taxes
				traced := len(ev.rec.trace)
				out, reason := ev.computeTax(t, g.lines)
				if ev.explain != nil {
					ev.explainTax(t, gi+1, slices.Clone(g.lines), out, reason, traced)
				}
				if reason != nil {
					ev.ruleFailed(t.id, reason)
					fail(gi, t, reason)
					continue
				}
				computed++
				g.computed = append(g.computed, ti)
				g.amounts[ti] = out.amount
				g.taxes.set(ti, newDec(out.amount))
				g.rates[ti], g.hasRate[ti] = out.rate, out.hasRate
				if out.hasRate {
					baseSum = baseSum.Add(out.base)
					anyRate = true
					switch {
					case uniform == nil:
						uniform = &out.rate
					case !uniform.Equal(out.rate):
						mixed = true
					}
				}
				total = total.Add(out.amount)
			}
			ev.unbindItem()
			ev.ctx.groupLines = nil
			ev.act.tax = nil
			if anyRate {
				base := baseSum.Decimal()
				summary.Base = &base
				if !mixed {
					rate := uniform.Decimal()
					summary.Rate = &rate
				}
			}
			summary.Amount = total.Decimal()
		}
		for gi, g := range groups {
			if i := slices.IndexFunc(failed[gi], func(f failure) bool { return f.short == t.short }); i >= 0 {
				missing.add(t.id, g.lines, failed[gi][i].why)
			}
		}
		if computed == 0 {
			continue // not computed for any line: listed in NotComputed only
		}
		summary.Partial = computed < len(groups)
		if ev.rec.unconfirmedReads > reads {
			// A figure is as confirmed as the weakest rule or row it
			// rests on.
			summary.Confidence = "unconfirmed"
		}
		d.Taxes = append(d.Taxes, summary)
		if t.confidence == "unconfirmed" && !summary.Amount.IsZero() {
			ev.addReason(iorules.Reason{
				Code: CodeUnconfirmedRule, Severity: iorules.SeverityInfo, Rule: t.id, Source: t.source,
				Message: fmt.Sprintf("tax %s (%s) rests on a base or rule the policy marks unconfirmed; verify it before relying on the figure", t.id, t.name),
			})
		}
	}
	ev.splitLines(groups, places)
	total := decimal.Zero
	for _, t := range d.Taxes {
		if !t.Informational {
			total = total.Add(t.Amount)
		}
	}
	if len(missing) > 0 {
		// A total that silently leaves a tax out is worse than none: only
		// the sum of what was computed, named partial.
		d.NotComputed = missing.sorted()
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

// notComputedList gathers, per tax, the lines it was not computed for and
// why.
type notComputedList []NotComputed

func (l *notComputedList) add(tax string, lines []int, why *iorules.Reason) {
	for i := range *l {
		if nc := &(*l)[i]; nc.Tax == tax {
			nc.Lines = append(nc.Lines, lines...)
			return
		}
	}
	msg := why.Message
	if why.Rule != tax {
		msg = "it depends on " + why.Rule + ", which was not computed: " + msg
	}
	*l = append(*l, NotComputed{Tax: tax, Lines: slices.Clone(lines), Code: why.Code, Rule: why.Rule, Message: msg})
}

// sorted returns the list in chain order with each tax's lines sorted.
func (l notComputedList) sorted() []NotComputed {
	for i := range l {
		slices.Sort(l[i].Lines)
	}
	return l
}

// splitLines gives each line its share of its group's taxes, pro rata to
// customs value, so that lines always sum exactly to the group.
func (ev *evaluation) splitLines(groups []*group, places int32) {
	out := make([]Line, len(ev.s.Items))
	for gi, g := range groups {
		weights := make([]decimal.Decimal, len(g.items))
		for i, idx := range g.items {
			weights[i] = ev.customs[idx]
			out[idx] = Line{Line: ev.s.Items[idx].Line, Group: gi + 1, CustomsValue: ev.customs[idx], Taxes: make([]LineTax, 0, len(g.computed))}
		}
		for _, ti := range g.computed {
			amount := g.amounts[ti].Decimal()
			shares := []decimal.Decimal{amount} // a group of one line
			if len(weights) > 1 {
				var err error
				if shares, err = valuation.Allocate(amount, weights, places); err != nil {
					continue
				}
			}
			id := ev.pol.taxes[ti].id
			for i, idx := range g.items {
				lt := LineTax{ID: id, Amount: shares[i]}
				if g.hasRate[ti] {
					// Each line its own rate: nothing in a decision is
					// shared, so a caller may write to any part of it.
					rate := g.rates[ti].Decimal()
					lt.Rate = &rate
				}
				out[idx].Taxes = append(out[idx].Taxes, lt)
			}
		}
	}
	ev.d.Lines = out
}

// explainTax records how tax t came about for the group (0: the
// declaration) with the variables still bound, reading the base's terms
// again with the rate bound.
func (ev *evaluation) explainTax(t *tax, group int, lines []int, out taxOutcome, reason *iorules.Reason, traced int) {
	te := TaxExplanation{Tax: t.id, Group: group, Lines: lines, Applies: out.applies, When: t.whenText,
		Rows: ev.rowsSince(traced)}
	switch {
	case reason != nil:
		te.NotComputed = reason.Message
	case out.applies:
		amount, unrounded := out.amount.Decimal(), out.unrounded.Decimal()
		te.Amount, te.Unrounded, te.Rounding = &amount, &unrounded, ev.roundingText(t)
		if out.hasRate {
			rate, base := out.rate.Decimal(), out.base.Decimal()
			te.Rate, te.Base = &rate, &base
			ev.act.rate = newDec(out.rate)
			te.BaseTerms = ev.evalParts(t.baseParts)
			ev.act.rate = nil
		}
	}
	ev.rec.trace = ev.rec.trace[:traced+len(te.Rows)] // the terms' reads are not new
	ev.explain.Taxes = append(ev.explain.Taxes, te)
}

// allLines returns every line number, in item order, as a new slice.
func (ev *evaluation) allLines() []int {
	out := make([]int, len(ev.s.Items))
	for i := range ev.s.Items {
		out[i] = ev.s.Items[i].Line
	}
	return out
}

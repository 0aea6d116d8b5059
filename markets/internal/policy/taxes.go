package policy

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// Group is one declaration item (an adição in Brazil): the lines that share
// the policy's group_by fields. Taxes are computed and rounded per group.
type Group struct {
	// Items are the group's indexes into Shipment.Items.
	Items   []int
	lines   []int // the items' line numbers
	values  lineValues
	lineVal ref.Val // values as the CEL `line` of the group's tax expressions
	taxes   *taxMap // the CEL `tax` of the group's expressions
	// Amounts and Rates are by index in Policy.Taxes; HasRate tells a
	// tax computed as base × rate from an amount.
	Amounts []exact.Dec
	Rates   []exact.Dec
	HasRate []bool
	// Computed lists, in chain order, the indexes of the taxes computed
	// for the group.
	Computed []int
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
// line. The groups' amounts, rates and tax maps take one block each.
func (r *Run) buildGroups() []*Group {
	index := map[string]*Group{}
	var out []*Group
	var key []byte
	for i := range r.s.Items {
		key = appendGroupKey(key[:0], &r.s.Items[i], r.pol.groupBy)
		key = appendDocumentKey(key, r.s.Items[i].Line, r.s.Documents)
		g, ok := index[string(key)]
		if !ok {
			g = &Group{}
			index[string(key)] = g
			out = append(out, g)
		}
		g.Items = append(g.Items, i)
		g.lines = append(g.lines, r.s.Items[i].Line)
		g.values.add(r.lines[i])
	}
	n := len(r.pol.Taxes)
	amounts, rates := make([]exact.Dec, n*len(out)), make([]exact.Dec, n*len(out))
	hasRate, has := make([]bool, n*len(out)), make([]bool, n*len(out))
	maps := make([]taxMap, len(out))
	for gi, g := range out {
		from, to := gi*n, (gi+1)*n
		g.Amounts, g.Rates, g.HasRate = amounts[from:to:to], rates[from:to:to], hasRate[from:to:to]
		// The tax map reads the group's amounts where they are.
		maps[gi] = taxMap{names: r.pol.taxNames, amounts: g.Amounts, has: has[from:to:to]}
		g.taxes = &maps[gi]
		g.lineVal = r.env.provider.NativeToValue(&g.values)
	}
	return out
}

func (r *Run) round(t *Tax, d exact.Dec) exact.Dec {
	places := r.pol.Currency.MinorUnits()
	if t.HalfEven {
		return d.RoundBank(places)
	}
	return d.Round(places)
}

// runDecimal evaluates an expression the checker typed as a decimal; with
// once set (the expression reads nothing of the group), only on its first
// call in the evaluation.
func (r *Run) runDecimal(prg *program, once bool, id, what string, lines []int) (exact.Dec, *iorules.Reason) {
	once = once && !r.explain // explained: every group reads its rows
	if v, ok := r.remembered(prg, once); ok {
		return v.dec, nil
	}
	reads := r.rec.unconfirmedReads
	d, reason := r.decimal(prg, id, what, lines)
	if reason == nil && once {
		r.remember(prg, onceValue{dec: d}, reads)
	}
	return d, reason
}

// decimal evaluates an expression the checker typed as a decimal.
func (r *Run) decimal(prg *program, id, what string, lines []int) (exact.Dec, *iorules.Reason) {
	if n := prg.native; n != nil && n.d != nil && !r.interpret {
		gaps := len(r.rec.gaps)
		d, err := n.d(r)
		if err != nil {
			return exact.Dec{}, r.failure(err, gaps, id, what, lines)
		}
		return d, nil
	}
	v, reason := r.run(prg, id, what, lines)
	if reason != nil {
		return exact.Dec{}, reason
	}
	d, ok := asDecimal(v)
	if !ok {
		return exact.Dec{}, typeReason(id, lines, fmt.Errorf("%s gave %s, want a decimal", what, v.Type().TypeName()))
	}
	return d, nil
}

// runOnce is run, remembering the value of prg for the rest of the
// evaluation when once is set.
func (r *Run) runOnce(prg *program, once bool, id, what string, lines []int) (ref.Val, *iorules.Reason) {
	once = once && !r.explain // explained: every group reads its rows
	if v, ok := r.remembered(prg, once); ok {
		return v.val, nil
	}
	reads := r.rec.unconfirmedReads
	v, reason := r.run(prg, id, what, lines)
	if reason == nil && once {
		r.remember(prg, onceValue{val: v}, reads)
	}
	return v, reason
}

// remembered returns the value of prg remembered in this evaluation, when
// once is set and there is one, counting the unconfirmed row it read as
// its first evaluation did.
func (r *Run) remembered(prg *program, once bool) (onceValue, bool) {
	v, ok := r.once[prg]
	if !ok || !once {
		return onceValue{}, false
	}
	if v.unconfirmed {
		r.rec.unconfirmedReads++
	}
	return v, true
}

// remember keeps v, the value of prg, for the rest of the evaluation;
// reads is the count of unconfirmed reads before it was evaluated.
func (r *Run) remember(prg *program, v onceValue, reads int) {
	v.unconfirmed = r.rec.unconfirmedReads > reads
	if r.once == nil {
		r.once = map[*program]onceValue{}
	}
	r.once[prg] = v
}

// onceValue is the value of an expression evaluated once per declaration
// (val, or dec for a decimal), and whether it read an unconfirmed table
// row.
type onceValue struct {
	val         ref.Val
	dec         exact.Dec
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
func (r *Run) computeTax(t *Tax, lines []int) (taxOutcome, *iorules.Reason) {
	r.act.rate = nil
	if t.when != nil {
		v, reason := r.runOnce(t.when, t.whenOnce, t.ID, "the condition", lines)
		if reason != nil || v != types.True {
			return taxOutcome{}, reason
		}
	}
	if t.amount != nil {
		a, reason := r.runDecimal(t.amount, false, t.ID, "the amount", lines)
		if reason != nil {
			return taxOutcome{}, reason
		}
		return taxOutcome{amount: r.round(t, a), unrounded: a, applies: true}, nil
	}
	rate, reason := r.runDecimal(t.rate, t.rateOnce, t.ID, "the rate", lines)
	if reason != nil {
		return taxOutcome{}, reason
	}
	r.rate, r.rateBound = rate, true
	if t.base.native == nil || r.interpret {
		r.act.rate = newDec(rate)
	}
	base, reason := r.runDecimal(t.base, false, t.ID, "the base", lines)
	r.act.rate, r.rateBound = nil, false
	if reason != nil {
		return taxOutcome{}, reason
	}
	return taxOutcome{amount: r.round(t, base.Mul(rate)), unrounded: base.Mul(rate), base: base, rate: rate, applies: true, hasRate: true}, nil
}

func typeReason(id string, lines []int, err error) *iorules.Reason {
	return &iorules.Reason{Code: CodeRuleError, Severity: iorules.SeverityDecline, Lines: lines, Rule: id,
		Message: fmt.Sprintf("%s: %v", id, err), Unblock: "Fix the market policy."}
}

// ApplyTaxes runs the tax chain over the declaration groups (after Bind),
// reporting each tax's sum to the sink; Groups then holds each group's
// amounts.
//
// A tax that cannot be computed for a group (a rate the tables lack, a
// fact not given) is missing for that group only, and so is every later
// tax of the group that reads it (tax.<name>); the group's other taxes and
// every other group go on. The sink hears of what was not computed.
func (r *Run) ApplyTaxes() {
	groups := r.groups
	places := r.pol.Currency.MinorUnits()
	groupCV := make([]exact.Dec, len(groups))
	for i, g := range groups {
		groupCV[i] = g.values.CustomsValue
	}
	shares := make([]exact.Dec, len(groups)) // of a declaration-scope tax
	// failed[i] lists, in chain order, the taxes that could not be
	// computed for group i and why: a later tax that reads one is not
	// computed for that group either; the others are.
	type failure struct {
		short string
		why   *iorules.Reason
	}
	failed := make([][]failure, len(groups))
	blocked := func(gi int, t *Tax) *iorules.Reason {
		for _, f := range failed[gi] {
			if t.dependsOn(f.short) {
				return f.why
			}
		}
		return nil
	}
	fail := func(gi int, t *Tax, why *iorules.Reason) {
		failed[gi] = append(failed[gi], failure{t.short, why})
	}
	for ti, t := range r.pol.Taxes {
		if !InWindow(r.s.Date, t.EffectiveFrom, t.EffectiveTo) {
			// A tax not in force on the date is not charged: a later tax
			// that reads it reads zero, as it would a tax whose condition
			// did not hold. It is not listed in the decision.
			for _, g := range groups {
				g.taxes.set(ti, exact.Dec{})
			}
			continue
		}
		var sum TaxSum
		reads := r.rec.unconfirmedReads
		computed := 0 // groups for which the tax was computed
		if t.Scope == ScopeDeclaration {
			r.unbindItem()
			r.act.tax = nil
			traced := len(r.rec.trace)
			out, reason := r.computeTax(t, nil)
			if r.explain {
				r.explainTax(t, 0, r.allLines(), out, reason, traced)
			}
			if reason == nil {
				if _, err := Split(out.amount, groupCV, places, shares); err != nil {
					reason = typeReason(t.ID, nil, err)
				}
			}
			if reason != nil {
				r.sink.Reason(*reason)
				for gi := range groups {
					fail(gi, t, reason)
				}
			} else {
				for i, g := range groups {
					share := shares[i]
					g.Amounts[ti] = share
					g.taxes.set(ti, share)
					g.Rates[ti], g.HasRate[ti] = out.rate, out.hasRate
					g.Computed = append(g.Computed, ti)
				}
				computed = len(groups)
				if out.hasRate {
					base, rate := out.base.Decimal(), out.rate.Decimal()
					sum.Base, sum.Rate = &base, &rate
				}
				sum.Amount = out.amount.Decimal()
			}
		} else {
			var total, baseSum, uniform exact.Dec
			mixed, anyRate := false, false
			for gi, g := range groups {
				if why := blocked(gi, t); why != nil {
					fail(gi, t, why)
					continue
				}
				r.bindItem(g.Items[0])
				r.ctx.groupLines = g.lines
				r.act.line = g.lineVal
				r.act.tax = g.taxes
				traced := len(r.rec.trace)
				out, reason := r.computeTax(t, g.lines)
				if r.explain {
					r.explainTax(t, gi+1, slices.Clone(g.lines), out, reason, traced)
				}
				if reason != nil {
					r.ruleFailed(t.ID, reason)
					fail(gi, t, reason)
					continue
				}
				computed++
				g.Computed = append(g.Computed, ti)
				g.Amounts[ti] = out.amount
				g.taxes.set(ti, out.amount)
				g.Rates[ti], g.HasRate[ti] = out.rate, out.hasRate
				if out.hasRate {
					baseSum = baseSum.Add(out.base)
					switch {
					case !anyRate:
						uniform = out.rate
					case !uniform.Equal(out.rate):
						mixed = true
					}
					anyRate = true
				}
				total = total.Add(out.amount)
			}
			r.unbindItem()
			r.ctx.groupLines = nil
			r.act.tax = nil
			if anyRate {
				base := baseSum.Decimal()
				sum.Base = &base
				if !mixed {
					rate := uniform.Decimal()
					sum.Rate = &rate
				}
			}
			sum.Amount = total.Decimal()
		}
		for gi, g := range groups {
			if i := slices.IndexFunc(failed[gi], func(f failure) bool { return f.short == t.short }); i >= 0 {
				r.sink.NotComputed(t, g.lines, failed[gi][i].why)
			}
		}
		if computed == 0 {
			continue // not computed for any line: listed in NotComputed only
		}
		sum.Partial = computed < len(groups)
		// A figure is as confirmed as the weakest rule or row it rests on.
		sum.Unconfirmed = r.rec.unconfirmedReads > reads
		r.sink.Tax(t, sum)
	}
}

// explainTax traces how tax t came about for the group (0: the
// declaration) with the variables still bound, reading the base's terms
// again with the rate bound.
func (r *Run) explainTax(t *Tax, group int, lines []int, out taxOutcome, reason *iorules.Reason, traced int) {
	tt := TaxTrace{Tax: t, Group: group, Lines: lines, Applies: out.applies, Rows: r.rowsSince(traced)}
	switch {
	case reason != nil:
		tt.NotComputed = reason.Message
	case out.applies:
		amount, unrounded := out.amount.Decimal(), out.unrounded.Decimal()
		tt.Amount, tt.Unrounded = &amount, &unrounded
		if out.hasRate {
			rate, base := out.rate.Decimal(), out.base.Decimal()
			tt.Rate, tt.Base = &rate, &base
			r.act.rate = newDec(out.rate)
			tt.BaseTerms = r.evalParts(t.baseParts)
			r.act.rate = nil
		}
	}
	r.rec.trace = r.rec.trace[:traced+len(tt.Rows)] // the terms' reads are not new
	r.sink.ExplainTax(tt)
}

// allLines returns every line number, in item order, as a new slice.
func (r *Run) allLines() []int {
	out := make([]int, len(r.s.Items))
	for i := range r.s.Items {
		out[i] = r.s.Items[i].Line
	}
	return out
}

// Split splits total over weights as valuation.Allocate does, on exact.Dec,
// writing the shares to shares (of the length of weights) and returning
// it. For inputs valuation.Allocate refuses, it returns its error.
func Split(total exact.Dec, weights []exact.Dec, places int32, shares []exact.Dec) ([]exact.Dec, error) {
	ok := len(weights) > 0 && places >= 0 && total.Equal(total.Round(places))
	for _, w := range weights {
		ok = ok && w.Sign() >= 0
	}
	if ok {
		return exact.Allocate(total, weights, places, shares), nil
	}
	ws := make([]decimal.Decimal, len(weights))
	for i, w := range weights {
		ws[i] = w.Decimal()
	}
	out, err := valuation.Allocate(total.Decimal(), ws, places)
	if err != nil {
		return nil, err
	}
	for i, d := range out {
		shares[i] = exact.FromDecimal(d)
	}
	return shares, nil
}

package markets

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// group is one declaration item (an adição in Brazil): the lines that share
// the policy's group_by fields. Taxes are computed and rounded per group.
type group struct {
	items   []int // indexes into Shipment.Items
	lines   []int // the items' line numbers
	values  lineValues
	taxes   map[ref.Val]ref.Val
	taxVal  ref.Val
	amounts map[string]decimal.Decimal
	rates   map[string]decimal.Decimal
}

func groupKey(it *iorules.Item, fields []string) string {
	var b strings.Builder
	for _, f := range fields {
		switch f {
		case "line":
			fmt.Fprint(&b, it.Line)
		case "hs_code":
			b.WriteString(it.HSCode.Digits())
		case "hs6":
			b.WriteString(it.HSCode.HS6())
		case "country_of_origin":
			b.WriteString(string(it.CountryOfOrigin))
		case "tariff_exemption":
			b.WriteString(it.TariffExemption)
		case "category":
			b.WriteString(string(it.Category))
		case "condition":
			b.WriteString(string(it.Condition))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// buildGroups splits the lines into declaration groups, in order of first
// line.
func (ev *evaluation) buildGroups() []*group {
	index := map[string]*group{}
	var out []*group
	for i := range ev.s.Items {
		k := groupKey(&ev.s.Items[i], ev.pol.groupBy)
		g, ok := index[k]
		if !ok {
			g = &group{
				taxes:   map[ref.Val]ref.Val{},
				amounts: map[string]decimal.Decimal{},
				rates:   map[string]decimal.Decimal{},
			}
			g.taxVal = types.NewRefValMap(ev.provider, g.taxes)
			index[k] = g
			out = append(out, g)
		}
		g.items = append(g.items, i)
		g.lines = append(g.lines, ev.s.Items[i].Line)
		g.values.add(ev.lines[i])
	}
	return out
}

func (ev *evaluation) round(t *tax, d decimal.Decimal) decimal.Decimal {
	places := ev.pol.currency.MinorUnits()
	if t.halfEven {
		return d.RoundBank(places)
	}
	return d.Round(places)
}

// runDecimal evaluates an expression the checker typed as a decimal.
func (ev *evaluation) runDecimal(prg cel.Program, id, what string, lines []int) (decimal.Decimal, *iorules.Reason) {
	v, r := ev.run(prg, id, what, lines)
	if r != nil {
		return decimal.Decimal{}, r
	}
	d, ok := asDecimal(v)
	if !ok {
		return decimal.Decimal{}, ev.typeReason(id, lines, fmt.Errorf("%s gave %s, want a decimal", what, v.Type().TypeName()))
	}
	return d, nil
}

// rateOf evaluates the rate of t, once per declaration when it does not
// depend on the group.
func (ev *evaluation) rateOf(t *tax, lines []int) (decimal.Decimal, *iorules.Reason) {
	if !t.rateOnce {
		return ev.runDecimal(t.rate, t.id, "the rate", lines)
	}
	if rate, ok := ev.rates[t]; ok {
		return rate, nil
	}
	rate, r := ev.runDecimal(t.rate, t.id, "the rate", lines)
	if r == nil {
		if ev.rates == nil {
			ev.rates = map[*tax]decimal.Decimal{}
		}
		ev.rates[t] = rate
	}
	return rate, r
}

// taxOutcome is one tax computed for one group or for the declaration.
type taxOutcome struct {
	amount  decimal.Decimal
	base    decimal.Decimal // with rate, when hasRate
	rate    decimal.Decimal
	applies bool // false when the tax's condition did not hold; amount is zero
	hasRate bool // the tax is base × rate rather than an amount
}

// computeTax evaluates when, rate, base or amount of t with the variables
// currently bound, or returns a reason when the tax could not be computed.
func (ev *evaluation) computeTax(t *tax, lines []int) (taxOutcome, *iorules.Reason) {
	ev.act.rate = nil
	if t.when != nil {
		v, r := ev.run(t.when, t.id, "the condition", lines)
		if r != nil || v != types.True {
			return taxOutcome{}, r
		}
	}
	if t.amount != nil {
		a, r := ev.runDecimal(t.amount, t.id, "the amount", lines)
		if r != nil {
			return taxOutcome{}, r
		}
		return taxOutcome{amount: ev.round(t, a), applies: true}, nil
	}
	rate, r := ev.rateOf(t, lines)
	if r != nil {
		return taxOutcome{}, r
	}
	ev.act.rate = newDec(rate)
	base, r := ev.runDecimal(t.base, t.id, "the base", lines)
	ev.act.rate = nil
	if r != nil {
		return taxOutcome{}, r
	}
	return taxOutcome{amount: ev.round(t, base.Mul(rate)), base: base, rate: rate, applies: true, hasRate: true}, nil
}

func (ev *evaluation) typeReason(id string, lines []int, err error) *iorules.Reason {
	return &iorules.Reason{Code: "rule_error", Severity: iorules.SeverityDecline, Lines: lines, Rule: id,
		Message: fmt.Sprintf("%s: %v", id, err), Unblock: "Fix the market policy."}
}

// applyTaxes runs the tax chain over the declaration groups, then splits
// each group's amounts over its lines and sums the declaration totals.
func (ev *evaluation) applyTaxes() {
	d := ev.d
	groups := ev.groups
	places := ev.pol.currency.MinorUnits()
	groupCV := make([]decimal.Decimal, len(groups))
	for i, g := range groups {
		groupCV[i] = g.values.CustomsValue
	}
	var done []*tax
	complete := true
chain:
	for _, t := range ev.pol.taxes {
		if !inWindow(ev.s.Date, t.effectiveFrom, t.effectiveTo) {
			continue
		}
		summary := Tax{ID: t.id, Name: t.name, Informational: t.informational, Source: t.source, Confidence: t.confidence, Rule: t.id}
		if t.scope == scopeDeclaration {
			ev.unbindItem()
			ev.act.tax = nil
			out, reason := ev.computeTax(t, nil)
			if reason != nil {
				ev.addReason(*reason)
				complete = false
				break chain
			}
			shares, err := valuation.Allocate(out.amount, groupCV, places)
			if err != nil {
				ev.addReason(*ev.typeReason(t.id, nil, err))
				complete = false
				break chain
			}
			for i, g := range groups {
				g.amounts[t.short] = shares[i]
				g.taxes[t.key] = newDec(shares[i])
				if out.hasRate {
					g.rates[t.short] = out.rate
				}
			}
			if out.hasRate {
				summary.Base, summary.Rate = &out.base, &out.rate
			}
			summary.Amount = out.amount
		} else {
			total, baseSum := decimal.Zero, decimal.Zero
			var uniform *decimal.Decimal
			mixed, anyRate := false, false
			for _, g := range groups {
				first := g.items[0]
				ev.bindItem(first)
				ev.act.line = ev.provider.NativeToValue(&g.values)
				ev.act.tax = g.taxVal
				out, reason := ev.computeTax(t, g.lines)
				if reason != nil {
					ev.addReason(*reason)
					complete = false
					break chain
				}
				g.amounts[t.short] = out.amount
				g.taxes[t.key] = newDec(out.amount)
				if out.hasRate {
					g.rates[t.short] = out.rate
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
			ev.act.tax = nil
			if anyRate {
				summary.Base = &baseSum
				if !mixed {
					summary.Rate = uniform
				}
			}
			summary.Amount = total
		}
		d.Taxes = append(d.Taxes, summary)
		done = append(done, t)
		if t.confidence == "unconfirmed" && !summary.Amount.IsZero() {
			ev.addReason(iorules.Reason{
				Code: "unconfirmed_rule", Severity: iorules.SeverityInfo, Rule: t.id, Source: t.source,
				Message: fmt.Sprintf("tax %s (%s) rests on a base or rule the policy marks unconfirmed; verify it before relying on the figure", t.id, t.name),
			})
		}
	}
	ev.splitLines(groups, done, places)
	if !complete {
		// A total that silently leaves a tax out is worse than none.
		return
	}
	total := decimal.Zero
	for _, t := range d.Taxes {
		if !t.Informational {
			total = total.Add(t.Amount)
		}
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

// splitLines gives each line its share of its group's taxes, pro rata to
// customs value, so that lines always sum exactly to the group.
func (ev *evaluation) splitLines(groups []*group, done []*tax, places int32) {
	out := make([]Line, len(ev.s.Items))
	for gi, g := range groups {
		weights := make([]decimal.Decimal, len(g.items))
		for i, idx := range g.items {
			weights[i] = ev.lines[idx].CustomsValue
			out[idx] = Line{Line: ev.s.Items[idx].Line, Group: gi + 1, CustomsValue: ev.lines[idx].CustomsValue, Taxes: []LineTax{}}
		}
		for _, t := range done {
			shares, err := valuation.Allocate(g.amounts[t.short], weights, places)
			if err != nil {
				continue
			}
			var rate *decimal.Decimal
			if r, ok := g.rates[t.short]; ok {
				rate = &r
			}
			for i, idx := range g.items {
				out[idx].Taxes = append(out[idx].Taxes, LineTax{ID: t.id, Rate: rate, Amount: shares[i]})
			}
		}
	}
	ev.d.Lines = out
}

package markets

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets/internal/policy"
	"github.com/shopspring/decimal"
)

// WithExplanation asks for Decision.Explanation: how every tax of every
// declaration group was computed and why every rule fired or did not. It
// costs a second evaluation of each expression's parts; leave it out where
// only the decision is needed.
func WithExplanation() EvalOption { return func(c *evalConfig) { c.explain = true } }

// Explanation traces a decision: it is data, so that a report, a review
// tool or an auditor can show how each figure came about.
type Explanation struct {
	// ExchangeRate is the rate the customs value was converted at, on
	// RateDate (the shipment date); nil when the shipment was not valued
	// or needed no conversion.
	ExchangeRate *decimal.Decimal `json:"exchange_rate,omitempty"`
	// RateDate is the date of the exchange rate: the shipment date, set
	// even when ExchangeRate is nil.
	RateDate iorules.Date `json:"rate_date"`
	// Taxes traces each tax in force for each declaration group, in chain
	// order, then group order; a group where the tax depends on an earlier
	// tax that was not computed has no trace. Empty (not nil) when the
	// shipment was not valued, since no tax was then computed.
	Taxes []TaxExplanation `json:"taxes"`
	// Rules traces each rule, in policy order; empty (not nil) when the
	// policy has none.
	Rules []RuleExplanation `json:"rules"`
}

// TaxExplanation is how one tax came about for one declaration group.
type TaxExplanation struct {
	// Tax is the tax's id, as Tax.ID.
	Tax string `json:"tax"`
	// Group is the declaration group, as Line.Group; 0 for a tax computed
	// once for the declaration.
	Group int `json:"group"`
	// Lines are the group's line numbers; every line for a tax computed
	// once for the declaration.
	Lines []int `json:"lines"`
	// Applies is false when the tax's condition did not hold (the tax is
	// then zero) or when it could not be computed (NotComputed says why);
	// the amounts below are then nil.
	Applies bool `json:"applies"`
	// When is the tax's condition as written; empty when it has none and
	// applies always.
	When string `json:"when,omitempty"`
	// Rate is the rate (a fraction: 0.16 for 16%) of a tax computed as
	// base × rate; nil for a tax given as an amount, and when Applies is
	// false.
	Rate *decimal.Decimal `json:"rate,omitempty"`
	// Base is the base, in the decision's currency, of a tax computed as
	// base × rate; nil with Rate.
	Base *decimal.Decimal `json:"base,omitempty"`
	// BaseTerms are the terms the base adds up (its parts joined by + or
	// -), each with its value; nil when Base is nil, and when the base is
	// a single term or its terms cannot be evaluated one by one.
	BaseTerms []Term `json:"base_terms,omitempty"`
	// Unrounded is what the tax came to before rounding (base × rate, or
	// the amount as the policy computes it), in the decision's currency;
	// nil when Applies is false.
	Unrounded *decimal.Decimal `json:"unrounded,omitempty"`
	// Amount is Unrounded rounded as Rounding says; for a tax computed
	// once for the declaration, the declaration's amount before it is
	// shared among the groups. Nil when Applies is false.
	Amount *decimal.Decimal `json:"amount,omitempty"`
	// Rounding says how Amount was rounded ("half up to 2 places (BRL)");
	// empty when Amount is nil.
	Rounding string `json:"rounding,omitempty"`
	// Rows are the table rows the tax read, in order of reading; nil when
	// it read none.
	Rows []RowUse `json:"rows,omitempty"`
	// NotComputed says why the tax could not be computed for the group;
	// empty when it was.
	NotComputed string `json:"not_computed,omitempty"`
}

// Term is one part of an expression and its value.
type Term struct {
	// Expr is the part as written in the policy.
	Expr string `json:"expr"`
	// Value is its value as text: a decimal ("2415584.67"), true or false,
	// a quoted string, or "error: " and why it could not be evaluated.
	Value string `json:"value"`
}

// RowUse is a table row an expression read.
type RowUse struct {
	// Table is the table's name in the policy.
	Table string `json:"table"`
	// Key is the row's key (an HS code or prefix, or an exact key); empty
	// for a row of a tiers table.
	Key string `json:"key"`
	// Value is the row's value as the table gives it; what it measures (a
	// rate, an amount) is up to the expressions that read the table.
	Value decimal.Decimal `json:"value"`
	// EffectiveFrom is the first day the row is in force; the zero Date
	// when the row has no start.
	EffectiveFrom iorules.Date `json:"effective_from,omitzero"`
	// EffectiveTo is the last day the row is in force, included; the zero
	// Date when it has no end.
	EffectiveTo iorules.Date `json:"effective_to,omitzero"`
	// Source cites where the row comes from; for a row the caller supplied
	// it starts "supplied by the caller: ".
	Source string `json:"source"`
	// Confidence is "confirmed" or "unconfirmed", as the row is marked.
	Confidence iorules.Confidence `json:"confidence"`
	// Caller marks a row the caller supplied (WithTables).
	Caller bool `json:"caller,omitempty"`
}

// RuleExplanation is why a rule fired or did not.
type RuleExplanation struct {
	// Rule is the rule's id.
	Rule string `json:"rule"`
	// Kind is the rule's kind: approval, decline, condition, info or
	// importer.
	Kind string `json:"kind"`
	// Fired says whether the rule fired.
	Fired bool `json:"fired"`
	// Lines are the line numbers it fired on, in item order; empty when it
	// did not fire, and for a shipment-scope rule.
	Lines []int `json:"lines,omitempty"`
	// Why says it in words: where it fired, that its condition held on no
	// line, that it is not in force on the date, or that it could not be
	// evaluated.
	Why string `json:"why"`
	// Conditions are the parts of its condition joined by && or ||, each
	// with its value on the line it fired on first (or the first line);
	// nil when the condition is a single part (or its parts cannot be
	// evaluated one by one), and for a rule not in force.
	Conditions []Term `json:"conditions,omitempty"`
	// Rows are the table rows the condition read, in order of reading; nil
	// when it read none, and for a rule not in force.
	Rows []RowUse `json:"rows,omitempty"`
}

// ExplainRule records how a rule came out (policy.Sink).
func (ev *evaluation) ExplainRule(rt policy.RuleTrace) {
	r := rt.Rule
	if rt.NotInForce {
		ev.explain.Rules = append(ev.explain.Rules, RuleExplanation{Rule: r.ID, Kind: r.Kind,
			Why: fmt.Sprintf("not in force on %s (%s to %s)", ev.s.Date, orOpen(r.EffectiveFrom), orOpen(r.EffectiveTo))})
		return
	}
	fired := rt.Fired
	re := RuleExplanation{Rule: r.ID, Kind: r.Kind, Fired: fired != nil, Lines: slices.Clone(fired),
		Rows: rowUses(rt.Rows), Conditions: terms(rt.Conditions)}
	switch {
	case rt.Failed:
		re.Why = "its condition could not be evaluated (see its fact_missing or rule_error reason)"
	case fired == nil && r.Scope == policy.ScopeShipment:
		re.Why = "its condition did not hold"
	case fired == nil:
		re.Why = "its condition held on no line"
	case r.Scope == policy.ScopeShipment:
		re.Why = "its condition held"
	default:
		re.Why = "its condition held on " + strings.ToLower(linesPhrase(fired))
	}
	ev.explain.Rules = append(ev.explain.Rules, re)
}

// ExplainTax records how a tax came out for one group (policy.Sink).
func (ev *evaluation) ExplainTax(tt policy.TaxTrace) {
	t := tt.Tax
	te := TaxExplanation{Tax: t.ID, Group: tt.Group, Lines: tt.Lines, Applies: tt.Applies, When: t.WhenText,
		Rows: rowUses(tt.Rows), NotComputed: tt.NotComputed, Amount: tt.Amount, Unrounded: tt.Unrounded,
		Rate: tt.Rate, Base: tt.Base, BaseTerms: terms(tt.BaseTerms)}
	if tt.Amount != nil {
		te.Rounding = ev.roundingText(t)
	}
	ev.explain.Taxes = append(ev.explain.Taxes, te)
}

// terms converts the parts of an expression; nil stays nil.
func terms(parts []policy.Term) []Term {
	if parts == nil {
		return nil
	}
	out := make([]Term, len(parts))
	for i, p := range parts {
		out[i] = Term(p)
	}
	return out
}

// rowUses describes the table rows read; nil when none were.
func rowUses(rows []policy.Row) []RowUse {
	if len(rows) == 0 {
		return nil
	}
	out := make([]RowUse, 0, len(rows))
	for _, u := range rows {
		out = append(out, RowUse{Table: u.Table, Key: u.Entry.Key, Value: u.Entry.Value.Decimal(),
			EffectiveFrom: u.Entry.EffectiveFrom, EffectiveTo: u.Entry.EffectiveTo,
			Source: u.Entry.Source, Confidence: u.Entry.Confidence, Caller: u.Entry.Caller})
	}
	return out
}

// roundingText says how a tax's amount was rounded.
func (ev *evaluation) roundingText(t *policy.Tax) string {
	mode := "half up"
	if t.HalfEven {
		mode = "half to even"
	}
	return fmt.Sprintf("%s to %d places (%s)", mode, ev.pol.Currency.MinorUnits(), ev.pol.Currency)
}

package policy

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/exact"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// Reason codes a Run gives (the markets package exports them).
const (
	// CodeFactMissing: an expression read a fact that was not given.
	CodeFactMissing = "fact_missing"
	// CodeRuleError: an expression failed for another reason.
	CodeRuleError = "rule_error"
)

// Sink receives what a Run finds, in the order it finds it; the caller
// assembles its decision from it. A Sink must not keep the slices it is
// given past the call unless it says so.
type Sink interface {
	// Reason adds a reason to the decision.
	Reason(r iorules.Reason)
	// MoreLines adds the lines of r to the reason already given for the
	// same rule or tax that failed the same way (same code and message),
	// whose expression could not be evaluated again; false when there is
	// no such reason. Failures that differ (a table miss on another HS
	// code) stay separate reasons, each naming its own lines.
	MoreLines(r *iorules.Reason) bool
	// Fired reports that rule r held: on lines (its own slice) for an
	// item-scope rule, none for a shipment-scope one; message is its
	// message, evaluated on the first line it held on.
	Fired(r *Rule, lines []int, message string)
	// Tax reports tax t summed over the declaration; it is not called for
	// a tax computed for no line.
	Tax(t *Tax, sum TaxSum)
	// NotComputed reports that tax t could not be computed for lines, and
	// why (the reason of t or of an earlier tax it reads).
	NotComputed(t *Tax, lines []int, why *iorules.Reason)
	// ExplainRule and ExplainTax receive the trace of each rule and of
	// each tax for each group; only with RunOptions.Explain.
	ExplainRule(RuleTrace)
	ExplainTax(TaxTrace)
}

// TaxSum is one tax summed over the declaration.
type TaxSum struct {
	Amount decimal.Decimal
	// Base sums the groups' bases (nil for a tax given as an amount);
	// Rate is the rate every group used (nil when they differ).
	Base, Rate *decimal.Decimal
	// Partial: the tax was not computed for every group.
	Partial bool
	// Unconfirmed: the tax read an unconfirmed or caller-supplied row.
	Unconfirmed bool
}

// RuleTrace is how a rule came out, for an explanation.
type RuleTrace struct {
	Rule *Rule
	// NotInForce: the rule is not in force on the shipment date; nothing
	// else is set.
	NotInForce bool
	// Fired lists the lines the rule held on (empty for a shipment-scope
	// rule that held); nil when it did not hold.
	Fired []int
	// Failed: its condition could not be evaluated (first in this rule).
	Failed bool
	// Conditions are the parts of the condition, evaluated on the first
	// line it fired on (or the first line).
	Conditions []Term
	// Rows are the table rows the condition read.
	Rows []Row
}

// TaxTrace is how a tax came out for one group (0: the declaration).
type TaxTrace struct {
	Tax     *Tax
	Group   int
	Lines   []int
	Applies bool
	// NotComputed is why it could not be computed ("" when it was).
	NotComputed string
	// Amount and Unrounded are set when it applies; Rate, Base and
	// BaseTerms when it is base × rate.
	Amount, Unrounded, Rate, Base *decimal.Decimal
	BaseTerms                     []Term
	Rows                          []Row
}

// Term is one part of an expression and its value.
type Term struct {
	Expr, Value string
}

// RunOptions configure a Run.
type RunOptions struct {
	// NoMemo evaluates item-scope conditions on every line.
	NoMemo bool
	// Explain traces every rule and tax (and turns reuse of answers off).
	Explain bool
	// Interpret evaluates every expression with CEL's interpreter, also
	// those lowered to Go (to compare the two).
	Interpret bool
}

// activation binds the policy variables for one expression evaluation
// without building a map.
type activation struct {
	shipment    ref.Val
	importer    ref.Val
	declaration ref.Val
	item        ref.Val
	line        ref.Val
	tax         ref.Val
	rate        ref.Val
	ctx         ctxVal
}

func (a *activation) ResolveName(name string) (any, bool) {
	var v ref.Val
	switch name {
	case varShipment:
		v = a.shipment
	case varImporter:
		v = a.importer
	case varDeclaration:
		v = a.declaration
	case varItem:
		v = a.item
	case varLine:
		v = a.line
	case varTax:
		v = a.tax
	case varRate:
		v = a.rate
	case ctxVar:
		return a.ctx, true
	}
	return v, v != nil
}

func (a *activation) Parent() interpreter.Activation { return nil }

// Run is the evaluation of one policy's rules and taxes on one shipment.
// Its zero value is ready for Start; a caller may embed it.
type Run struct {
	env  *Environment
	pol  *Policy
	s    *iorules.Shipment
	sink Sink
	rec  recorder
	ctx  evalCtx
	act  activation
	// lines are the line values by item index.
	lines []lineValues
	// lineNumbers backs lineOf.
	lineNumbers []int
	// classes and classCount are the line classes of each of the policy's
	// class sets, made on first use; answers is scratch for the answers
	// of one memoized rule; noMemo turns memoizing off (for tests).
	classes    [][]int32
	classCount []int
	// fieldClasses are the line classes by each of the policy's class
	// fields alone (Policy.classFields), made on first use.
	fieldClasses [][]int32
	fieldCount   []int
	classScratch classScratch
	answers      []ruleAnswer
	noMemo       bool
	// failed holds the rules and taxes that could not be evaluated.
	failed map[string]bool
	groups []*Group // the declaration groups, in order of first line
	// itemVals and lineVals are the CEL values of each item and its line
	// values, made once per evaluation rather than once per rule.
	itemVals []ref.Val
	lineVals []ref.Val
	// once holds the values of tax conditions and rates that are the
	// same for every group, by program.
	once map[*program]onceValue
	// rate is the value of `rate` while a tax's base is evaluated
	// (rateBound), for lowered expressions; act.rate holds it for the
	// interpreter.
	rate      exact.Dec
	rateBound bool
	// interpret turns lowered evaluation off (RunOptions.Interpret).
	interpret bool
	// explain traces every rule and tax to the sink; reuse of answers
	// (per class of lines, once per declaration) is then off, so that
	// every expression reads its rows where it is traced.
	explain bool
}

// Start prepares r to evaluate pol on s, reporting to sink.
func (r *Run) Start(env *Environment, pol *Policy, s *iorules.Shipment, sink Sink, opts RunOptions) {
	r.env, r.pol, r.s, r.sink = env, pol, s, sink
	r.failed = map[string]bool{}
	r.noMemo = opts.NoMemo
	r.interpret = opts.Interpret
	r.ctx = evalCtx{date: s.Date, importer: &s.ImporterOfRecord, documents: s.Documents, tables: pol.Tables, rec: &r.rec}
	if opts.Explain {
		r.explain, r.noMemo, r.rec.traceOn = true, true, true
	}
}

// Used lists the unconfirmed and caller-supplied table rows the run read,
// in order of first use.
func (r *Run) Used() []Row { return r.rec.used }

// Groups are the declaration groups, in order of first line (after Bind).
func (r *Run) Groups() []*Group { return r.groups }

// run evaluates an expression and returns its value, or a reason when it
// could not be evaluated: a condition when a fact was missing (a table row,
// digits of an HS code), a decline naming the rule otherwise: an
// expression that fails must never let a shipment clear.
func (r *Run) run(prg *program, ruleID, what string, lines []int) (ref.Val, *iorules.Reason) {
	gaps := len(r.rec.gaps)
	// A lowered condition runs as Go; a decimal is evaluated by decimal,
	// which reads the lowered value without a CEL value.
	if n := prg.native; n != nil && n.b != nil && !r.interpret {
		b, err := n.b(r)
		if err != nil {
			return nil, r.failure(err, gaps, ruleID, what, lines)
		}
		return types.Bool(b), nil
	}
	val, _, err := prg.cel.Eval(&r.act)
	if err == nil {
		if e, ok := val.(*types.Err); ok {
			err = e
		} else {
			return val, nil
		}
	}
	return nil, r.failure(err, gaps, ruleID, what, lines)
}

// failure is the reason for err, the error of an expression of ruleID
// evaluated on lines; gaps is how many gaps the recorder held before.
func (r *Run) failure(err error, gaps int, ruleID, what string, lines []int) *iorules.Reason {
	// lines may share an array with other lines (lineOf): a reason gets
	// its own.
	lines = slices.Clone(lines)
	var missing *missingFact
	switch {
	case errors.As(err, &missing):
		return &iorules.Reason{
			Code: CodeFactMissing, Severity: iorules.SeverityCondition, Lines: lines, Rule: ruleID,
			Message: fmt.Sprintf("%s of %s could not be evaluated: %s", what, ruleID, missing),
			Unblock: "Supply " + missing.supply + ".",
		}
	case len(r.rec.gaps) > gaps:
		g := r.rec.gaps[len(r.rec.gaps)-1]
		unblock := "Supply the missing fact named in the message."
		if g.supply != "" {
			unblock = "Supply " + g.supply + "."
		}
		return &iorules.Reason{
			Code: CodeFactMissing, Severity: iorules.SeverityCondition, Lines: lines, Rule: ruleID,
			Message: fmt.Sprintf("%s of %s could not be evaluated: %s", what, ruleID, g.why),
			Unblock: unblock, Missing: g.row,
		}
	}
	return &iorules.Reason{
		Code: CodeRuleError, Severity: iorules.SeverityDecline, Lines: lines, Rule: ruleID,
		Message: fmt.Sprintf("%s of %s failed: %v; the shipment cannot be cleared on a rule that does not evaluate", what, ruleID, err),
		Unblock: "Fix the market policy or the input it rejects.",
	}
}

// unvaluedBecause says why a shipment could not be valued, from the
// missing exchange rate; nil when nothing is missing.
func unvaluedBecause(missing *valuation.MissingRateError, date iorules.Date) *unvalued {
	if missing == nil {
		return nil
	}
	return &unvalued{
		why:    fmt.Sprintf("the shipment could not be valued: no exchange rate from %s to %s", missing.From, missing.To),
		supply: fmt.Sprintf("exchange_rates.%s (%s per %s on %s)", missing.From, missing.To, missing.From, date),
	}
}

// Bind prepares the variables every expression can read, from the
// shipment's valuation; missing, when not nil, is why it could not be
// valued (its money values are then missing facts).
func (r *Run) Bind(val valuation.Valuation, missing *valuation.MissingRateError) {
	missingValue := unvaluedBecause(missing, r.s.Date)
	valued := missingValue == nil
	s := r.s
	provider := r.env.provider
	items := provider.records(reflect.TypeFor[*iorules.Item](), len(s.Items), func(i int) any { return &s.Items[i] })
	r.itemVals = items
	view := &shipmentView{
		s: s, date: types.String(s.Date.String()),
		items:    types.NewRefValList(provider, items),
		exporter: &s.Exporter, importer: &s.ImporterOfRecord, endUser: &s.EndUser,
	}
	decl := &declarationValues{Lines: int64(len(s.Items)), inShipmentCurrency: r.customsValueInShipmentCurrency()}
	r.lines = make([]lineValues, len(s.Items))
	if !valued {
		decl.unvalued = missingValue
		for i := range r.lines {
			r.lines[i].unvalued = missingValue
		}
	} else {
		// valuation.Value lists the lines in the order of the items.
		for i, l := range val.Lines[:min(len(val.Lines), len(s.Items))] {
			r.lines[i] = lineValues{
				CustomsValue: exact.FromDecimal(l.CustomsValue), InvoiceValue: exact.FromDecimal(l.InvoiceValue),
				FOBValue: exact.FromDecimal(l.FOBValue), Freight: exact.FromDecimal(l.Freight),
				Insurance: exact.FromDecimal(l.Insurance),
			}
		}
		decl.DestinationHandling = exact.FromDecimal(val.DestinationHandling)
		decl.DestinationInland = exact.FromDecimal(val.DestinationInland)
		decl.ExchangeRate = exact.FromDecimal(val.ExchangeRate)
	}
	// Quantities and weights are known even when money values are not.
	for i, it := range s.Items {
		r.lines[i].Quantity = int64(it.Quantity)
		if it.NetWeightKg == nil {
			r.lines[i].weightMissing = fmt.Sprintf("line %d states no net weight", it.Line)
		} else {
			r.lines[i].NetWeightKg = exact.FromDecimal(*it.NetWeightKg).Mul(exact.New(int64(it.Quantity), 0))
		}
		decl.add(r.lines[i])
	}
	r.lineVals = provider.records(reflect.TypeFor[*lineValues](), len(r.lines), func(i int) any { return &r.lines[i] })
	r.groups = r.buildGroups()
	decl.Groups = int64(len(r.groups))
	r.act = activation{
		shipment:    provider.NativeToValue(view),
		importer:    provider.NativeToValue(&s.ImporterOfRecord),
		declaration: provider.NativeToValue(decl),
		ctx:         ctxVal{c: &r.ctx},
	}
}

// customsValueInShipmentCurrency returns a function that values the
// shipment in its own currency on its first call: a figure the law states
// in the invoice currency (Brazil's RADAR ceilings in US dollars) can then
// be checked without a rate into the market's currency.
func (r *Run) customsValueInShipmentCurrency() func() ref.Val {
	var v ref.Val
	return func() ref.Val {
		if v == nil {
			val, err := valuation.Value(*r.s, r.pol.Basis, r.s.Currency)
			if err != nil {
				v = unknown("declaration.customs_value_in_shipment_currency", err.Error(), "a shipment that can be valued")
			} else {
				v = decimalVal(val.CustomsValue)
			}
		}
		return v
	}
}

func (r *Run) bindItem(i int) {
	r.ctx.item = &r.s.Items[i]
	r.act.item = r.itemVals[i]
	r.act.line = r.lineVals[i]
}

func (r *Run) unbindItem() {
	r.ctx.item = nil
	r.act.item, r.act.line = nil, nil
}

// answerScratch returns n cleared answers, reusing one buffer across
// rules.
func (r *Run) answerScratch(n int) []ruleAnswer {
	if cap(r.answers) < n {
		r.answers = make([]ruleAnswer, n)
	}
	r.answers = r.answers[:n]
	clear(r.answers)
	return r.answers
}

// lineOf returns the line number of item i as a one-element slice, without
// allocating: the slices share one array, so they are only read (run
// clones the one it puts in a reason).
func (r *Run) lineOf(i int) []int {
	if r.lineNumbers == nil {
		r.lineNumbers = make([]int, len(r.s.Items))
		for j := range r.s.Items {
			r.lineNumbers[j] = r.s.Items[j].Line
		}
	}
	return r.lineNumbers[i : i+1 : i+1]
}

// ApplyRules evaluates every rule in force on the shipment date, reporting
// to the sink the rules that fire and the reasons of those that cannot be
// evaluated.
func (r *Run) ApplyRules() {
	date := r.s.Date
	for _, rl := range r.pol.Rules {
		if rl.when == nil || !InWindow(date, rl.EffectiveFrom, rl.EffectiveTo) {
			if r.explain && rl.when != nil {
				r.sink.ExplainRule(RuleTrace{Rule: rl, NotInForce: true})
			}
			continue
		}
		traced := len(r.rec.trace)
		failedBefore := r.failed[rl.ID]
		var fired []int
		var message string
		if rl.Scope == ScopeShipment {
			if r.check(rl, nil) {
				fired = []int{}
				message = r.message(rl, nil)
			}
		} else {
			var answers []ruleAnswer
			var classes []int32
			if rl.classSet >= 0 && !r.noMemo {
				var n int
				classes, n = r.classesOf(rl.classSet)
				answers = r.answerScratch(n)
			}
			for i := range r.s.Items {
				if r.itemRuleFires(rl, i, answers, classes) {
					if fired == nil {
						r.bindItem(i) // the message reads the line it fired on
						message = r.message(rl, r.lineOf(i))
					}
					fired = append(fired, r.s.Items[i].Line)
				}
			}
			r.unbindItem()
		}
		if r.explain {
			r.explainRule(rl, fired, traced, failedBefore)
		}
		if fired != nil {
			r.sink.Fired(rl, fired, message)
		}
	}
}

// explainRule traces rule rl, which fired on the lines fired (nil: it did
// not), with its conditions' parts evaluated on the first line it fired on
// (or the first line), and the rows it read since the trace held traced.
func (r *Run) explainRule(rl *Rule, fired []int, traced int, failedBefore bool) {
	rt := RuleTrace{Rule: rl, Fired: fired, Failed: r.failed[rl.ID] && !failedBefore, Rows: r.rowsSince(traced)}
	switch {
	case rl.Scope == ScopeShipment:
		rt.Conditions = r.evalParts(rl.whenParts)
	case len(r.s.Items) > 0:
		i := 0
		if fired != nil {
			i = slices.IndexFunc(r.s.Items, func(it iorules.Item) bool { return it.Line == fired[0] })
		}
		r.bindItem(i)
		rt.Conditions = r.evalParts(rl.whenParts)
		r.unbindItem()
	}
	r.rec.trace = r.rec.trace[:traced+len(rt.Rows)] // the parts' reads are not the rule's
	r.sink.ExplainRule(rt)
}

// rowsSince returns the rows traced since the trace held n, as a new
// slice; nil when there are none.
func (r *Run) rowsSince(n int) []Row {
	if len(r.rec.trace) == n {
		return nil
	}
	return slices.Clone(r.rec.trace[n:])
}

// check evaluates a rule's condition. A condition that cannot be evaluated
// adds its reason once per rule and counts as not fired.
func (r *Run) check(rl *Rule, lines []int) bool {
	val, reason := r.run(rl.when, rl.ID, "the condition", lines)
	if reason != nil {
		r.ruleFailed(rl.ID, infoOnly(rl, reason))
		return false
	}
	return val == types.True
}

// infoOnly lowers a missing fact of an info rule to info: a rule that can
// only inform cannot hold the cargo because it could not be evaluated. A
// rule error stays a decline (the policy itself is broken).
func infoOnly(rl *Rule, reason *iorules.Reason) *iorules.Reason {
	if rl.Kind == KindInfo && reason.Code == CodeFactMissing {
		reason.Severity = iorules.SeverityInfo
	}
	return reason
}

// ruleFailed reports a rule that could not be evaluated, merging the lines
// of repeated failures of the same rule and cause into one reason.
func (r *Run) ruleFailed(id string, reason *iorules.Reason) {
	if r.failed[id] && r.sink.MoreLines(reason) {
		return
	}
	r.failed[id] = true
	r.sink.Reason(*reason)
}

func (r *Run) message(rl *Rule, lines []int) string {
	if rl.messageExpr == nil {
		return rl.message
	}
	val, reason := r.run(rl.messageExpr, rl.ID, "the message", lines)
	if reason != nil {
		return rl.message
	}
	if s, ok := val.(types.String); ok && s != "" {
		return string(s)
	}
	return rl.message
}

package markets

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/classify"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/internal/exact"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

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

// evaluation is the state of one Prequalify call.
type evaluation struct {
	provider *modelProvider
	pol      *policy
	s        *iorules.Shipment
	rec      recorder
	ctx      evalCtx
	act      activation
	d        *Decision
	reqs     []approvals.Requirement
	lines    []lineValues      // by item index
	customs  []decimal.Decimal // customs value by item index, as valued
	// lineNumbers backs lineOf.
	lineNumbers []int
	// classes and classCount are the line classes of each of the policy's
	// class sets, made on first use; answers is scratch for the answers
	// of one memoized rule; noMemo turns memoizing off (for tests).
	classes    [][]int32
	classCount []int
	answers    []ruleAnswer
	noMemo     bool
	ruleErr    map[string]bool
	groups     []*group // the declaration groups, in order of first line
	// itemVals and lineVals are the CEL values of each item and its line
	// values, made once per evaluation rather than once per rule.
	itemVals []ref.Val
	lineVals []ref.Val
	// once holds the values of tax conditions and rates that are the
	// same for every group, by program.
	once map[cel.Program]onceValue
	// env and progOpts compile the parts of expressions an explanation
	// shows, on first use.
	env      *cel.Env
	progOpts []cel.ProgramOption
	// explain, when not nil, collects the explanation; reuse of answers
	// (per class of lines, once per declaration) is then off, so that
	// every expression reads its rows where it is traced.
	explain *Explanation
}

// run evaluates an expression and returns its value, or a reason when it
// could not be evaluated: a condition when a fact was missing (a table row,
// digits of an HS code), a decline naming the rule otherwise: an
// expression that fails must never let a shipment clear.
func (ev *evaluation) run(prg cel.Program, ruleID, what string, lines []int) (ref.Val, *iorules.Reason) {
	gaps := len(ev.rec.gaps)
	val, _, err := prg.Eval(&ev.act)
	if err == nil {
		if e, ok := val.(*types.Err); ok {
			err = e
		} else {
			return val, nil
		}
	}
	// lines may share an array with other lines (lineOf): a reason gets
	// its own.
	lines = slices.Clone(lines)
	var missing *missingFact
	switch {
	case errors.As(err, &missing):
		return nil, &iorules.Reason{
			Code: CodeFactMissing, Severity: iorules.SeverityCondition, Lines: lines, Rule: ruleID,
			Message: fmt.Sprintf("%s of %s could not be evaluated: %s", what, ruleID, missing),
			Unblock: "Supply " + missing.supply + ".",
		}
	case len(ev.rec.gaps) > gaps:
		return nil, &iorules.Reason{
			Code: CodeFactMissing, Severity: iorules.SeverityCondition, Lines: lines, Rule: ruleID,
			Message: fmt.Sprintf("%s of %s could not be evaluated: %s", what, ruleID, ev.rec.gaps[len(ev.rec.gaps)-1]),
			Unblock: "Supply the missing fact named in the message.",
		}
	}
	return nil, &iorules.Reason{
		Code: CodeRuleError, Severity: iorules.SeverityDecline, Lines: lines, Rule: ruleID,
		Message: fmt.Sprintf("%s of %s failed: %v; the shipment cannot be cleared on a rule that does not evaluate", what, ruleID, err),
		Unblock: "Fix the market policy or the input it rejects.",
	}
}

func (ev *evaluation) addReason(r iorules.Reason) {
	ev.d.Reasons = append(ev.d.Reasons, r)
}

// Prequalify evaluates the shipment against the policy of its destination
// market.
func (e *Engine) Prequalify(s iorules.Shipment, opts ...EvalOption) (Decision, error) {
	return e.PrequalifyMarket(s.Destination, s, opts...)
}

// PrequalifyAll evaluates the shipment against every loaded market, in
// market order. Export controls are screened for each market as the
// destination.
func (e *Engine) PrequalifyAll(s iorules.Shipment, opts ...EvalOption) ([]Decision, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	cfg := newEvalConfig(opts)
	out := make([]Decision, 0, len(e.order))
	for _, m := range e.order {
		d, err := e.prequalifyWith(e.policies[m], s, screenFor(m, s, &cfg), &cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// PrequalifyMarket evaluates the shipment against one market's policy,
// which need not be the shipment's destination (to compare markets before
// choosing one); export controls are screened with market as the
// destination. It returns an error only for an invalid shipment (a joined
// error of *iorules.FieldError) or an unknown market (*UnknownMarketError).
func (e *Engine) PrequalifyMarket(market iorules.Country, s iorules.Shipment, opts ...EvalOption) (Decision, error) {
	pol, ok := e.policies[market]
	if !ok {
		return Decision{}, &UnknownMarketError{Market: market}
	}
	if err := s.Validate(); err != nil {
		return Decision{}, err
	}
	cfg := newEvalConfig(opts)
	return e.prequalifyWith(pol, s, screenFor(market, s, &cfg), &cfg)
}

// screenFor screens the shipment's export controls as if it were addressed
// to market: what the origin's rules require depends on the destination
// (country groups, embargoes, licence policy), so a comparison of markets
// must not reuse the screening of the shipment's own destination.
func screenFor(market iorules.Country, s iorules.Shipment, cfg *evalConfig) exportctl.Result {
	s.Destination = market
	return exportctl.Screen(s, cfg.screening)
}

// prequalifyWith evaluates a validated shipment against one policy, given
// the export-control screening of the shipment and the call's evaluation
// options (reference prices; the audit digests, cached across markets).
func (e *Engine) prequalifyWith(pol *policy, s iorules.Shipment, screen exportctl.Result, cfg *evalConfig) (Decision, error) {
	d := &Decision{
		ShipmentID: s.ID, Market: pol.market, Currency: pol.currency, AsOf: s.Date,
		Reasons: make([]iorules.Reason, 0, 32), Approvals: []approvals.Approval{}, Taxes: []Tax{},
		Lines: []Line{}, Fired: []FiredRule{}, NotEvaluated: slices.Clone(pol.notEvaluated),
		Policy: PolicyRef{Market: pol.market, Version: pol.version, File: pol.file, SHA256: pol.digest,
			EffectiveFrom: pol.effectiveFrom, EffectiveTo: pol.effectiveTo},
	}
	ev := &evaluation{provider: e.env.provider, pol: pol, s: &s, d: d, ruleErr: map[string]bool{}, noMemo: e.noMemo}
	ev.ctx = evalCtx{date: s.Date, importer: &s.ImporterOfRecord, documents: s.Documents, tables: pol.tables, rec: &ev.rec}
	if cfg.explain {
		ev.explain = &Explanation{RateDate: s.Date, Taxes: []TaxExplanation{}, Rules: []RuleExplanation{}}
		ev.rec.traceOn, ev.noMemo = true, true
		ev.env, ev.progOpts = e.env.env, e.progOpts
	}

	if !inWindow(s.Date, pol.effectiveFrom, pol.effectiveTo) {
		ev.addReason(iorules.Reason{
			Code: CodePolicyOutOfWindow, Severity: iorules.SeverityCondition, Rule: "policy",
			Message: fmt.Sprintf("the shipment date %s is outside the window %s..%s for which the %s policy %s is known good; rates and rules may have changed",
				s.Date, pol.effectiveFrom, orOpen(pol.effectiveTo), pol.market, pol.version),
			Unblock: "Re-run with a policy version whose window covers the shipment date.",
		})
	}

	ev.reportUnknownIDs()
	var classReasons []iorules.Reason
	d.Classification, classReasons = classify.CheckShipment(pol.market, s)
	d.Reasons = append(d.Reasons, classReasons...)
	d.ExportControl = screen
	d.Reasons = append(d.Reasons, screen.Reasons...)

	val, err := valuation.Value(s, pol.basis, pol.currency)
	var missing *valuation.MissingRateError
	switch {
	case errors.As(err, &missing):
		ev.addReason(iorules.Reason{
			Code: CodeExchangeRateMissing, Severity: iorules.SeverityCondition, Rule: "valuation",
			Message: fmt.Sprintf("no exchange rate from %s to %s: the customs value and taxes were not computed", missing.From, missing.To),
			Unblock: fmt.Sprintf("Supply exchange_rates.%s: %s per %s on %s.", missing.From, missing.To, missing.From, s.Date),
		})
	case err != nil:
		return Decision{}, err
	default:
		d.Valuation = &val
		d.Reasons = append(d.Reasons, val.Reasons...)
	}
	ev.bindShipment(val, unvaluedBecause(missing, s.Date))
	ev.applyRules()
	ev.applyApprovals()
	ev.review(cfg)
	if d.Valuation != nil {
		ev.applyTaxes()
	}
	ev.noteUnconfirmed()
	ev.finish()
	if ev.explain != nil {
		if d.Valuation != nil && d.Valuation.SourceCurrency != d.Valuation.Currency {
			rate := d.Valuation.ExchangeRate
			ev.explain.ExchangeRate = &rate
		}
		d.Explanation = ev.explain
	}
	if d.Audit, err = e.audit(pol, &s, cfg); err != nil {
		return Decision{}, err
	}
	return *d, nil
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

func orOpen(d iorules.Date) string {
	if d.IsZero() {
		return "(open)"
	}
	return d.String()
}

// bindShipment prepares the variables every expression can read.
// missingValue, when not nil, says why the shipment could not be valued.
func (ev *evaluation) bindShipment(val valuation.Valuation, missingValue *unvalued) {
	valued := missingValue == nil
	s := ev.s
	items := make([]ref.Val, len(s.Items))
	for i := range s.Items {
		items[i] = ev.provider.NativeToValue(&s.Items[i])
	}
	ev.itemVals = items
	view := &shipmentView{
		s: s, date: types.String(s.Date.String()),
		items:    types.NewRefValList(ev.provider, items),
		exporter: &s.Exporter, importer: &s.ImporterOfRecord, endUser: &s.EndUser,
	}
	decl := &declarationValues{Lines: int64(len(s.Items)), inShipmentCurrency: ev.customsValueInShipmentCurrency()}
	ev.lines = make([]lineValues, len(s.Items))
	ev.customs = make([]decimal.Decimal, len(s.Items))
	if !valued {
		decl.unvalued = missingValue
		for i := range ev.lines {
			ev.lines[i].unvalued = missingValue
		}
	} else {
		// valuation.Value lists the lines in the order of the items.
		for i, l := range val.Lines[:min(len(val.Lines), len(s.Items))] {
			ev.customs[i] = l.CustomsValue
			ev.lines[i] = lineValues{
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
		ev.lines[i].Quantity = int64(it.Quantity)
		if it.NetWeightKg == nil {
			ev.lines[i].weightMissing = fmt.Sprintf("line %d states no net weight", it.Line)
		} else {
			ev.lines[i].NetWeightKg = exact.FromDecimal(*it.NetWeightKg).Mul(exact.New(int64(it.Quantity), 0))
		}
		decl.add(ev.lines[i])
	}
	ev.lineVals = make([]ref.Val, len(s.Items))
	for i := range ev.lines {
		ev.lineVals[i] = ev.provider.NativeToValue(&ev.lines[i])
	}
	ev.groups = ev.buildGroups()
	decl.Groups = int64(len(ev.groups))
	p := ev.provider
	ev.act = activation{
		shipment:    p.NativeToValue(view),
		importer:    p.NativeToValue(&s.ImporterOfRecord),
		declaration: p.NativeToValue(decl),
		ctx:         ctxVal{c: &ev.ctx},
	}
}

// customsValueInShipmentCurrency returns a function that values the
// shipment in its own currency on its first call: a figure the law states
// in the invoice currency (Brazil's RADAR ceilings in US dollars) can then
// be checked without a rate into the market's currency.
func (ev *evaluation) customsValueInShipmentCurrency() func() ref.Val {
	var v ref.Val
	return func() ref.Val {
		if v == nil {
			val, err := valuation.Value(*ev.s, ev.pol.basis, ev.s.Currency)
			if err != nil {
				v = unknown("declaration.customs_value_in_shipment_currency", err.Error(), "a shipment that can be valued")
			} else {
				v = decimalVal(val.CustomsValue)
			}
		}
		return v
	}
}

func (ev *evaluation) bindItem(i int) {
	ev.ctx.item = &ev.s.Items[i]
	ev.act.item = ev.itemVals[i]
	ev.act.line = ev.lineVals[i]
}

// answerScratch returns n cleared answers, reusing one buffer across
// rules.
func (ev *evaluation) answerScratch(n int) []ruleAnswer {
	if cap(ev.answers) < n {
		ev.answers = make([]ruleAnswer, n)
	}
	ev.answers = ev.answers[:n]
	clear(ev.answers)
	return ev.answers
}

// lineOf returns the line number of item i as a one-element slice, without
// allocating: the slices share one array, so they are only read (run
// clones the one it puts in a reason).
func (ev *evaluation) lineOf(i int) []int {
	if ev.lineNumbers == nil {
		ev.lineNumbers = make([]int, len(ev.s.Items))
		for j := range ev.s.Items {
			ev.lineNumbers[j] = ev.s.Items[j].Line
		}
	}
	return ev.lineNumbers[i : i+1 : i+1]
}

func (ev *evaluation) unbindItem() {
	ev.ctx.item = nil
	ev.act.item, ev.act.line = nil, nil
}

// applyRules evaluates every rule in force on the shipment date.
func (ev *evaluation) applyRules() {
	date := ev.s.Date
	for _, r := range ev.pol.rules {
		if r.when == nil || !inWindow(date, r.effectiveFrom, r.effectiveTo) {
			if ev.explain != nil && r.when != nil {
				ev.explain.Rules = append(ev.explain.Rules, RuleExplanation{Rule: r.id, Kind: r.kind,
					Why: fmt.Sprintf("not in force on %s (%s to %s)", date, orOpen(r.effectiveFrom), orOpen(r.effectiveTo))})
			}
			continue
		}
		traced := len(ev.rec.trace)
		failedBefore := ev.ruleErr[r.id]
		var fired []int
		var message string
		if r.scope == scopeShipment {
			if ev.check(r, nil) {
				fired = []int{}
				message = ev.message(r, nil)
			}
		} else {
			var answers []ruleAnswer
			var classes []int32
			if r.classSet >= 0 && !ev.noMemo {
				var n int
				classes, n = ev.classesOf(r.classSet)
				answers = ev.answerScratch(n)
			}
			for i := range ev.s.Items {
				ev.bindItem(i)
				line := ev.s.Items[i].Line
				if ev.itemRuleFires(r, i, answers, classes) {
					if fired == nil {
						message = ev.message(r, ev.lineOf(i))
					}
					fired = append(fired, line)
					if r.kind == kindApproval {
						req := r.approval
						req.Line = line
						ev.reqs = append(ev.reqs, req)
					}
				}
			}
			ev.unbindItem()
		}
		if ev.explain != nil {
			ev.explainRule(r, fired, traced, failedBefore)
		}
		if fired == nil {
			continue
		}
		ev.d.Fired = append(ev.d.Fired, FiredRule{Rule: r.id, Lines: fired})
		if r.confidence == "unconfirmed" {
			ev.addReason(iorules.Reason{
				Code: CodeUnconfirmedRule, Severity: iorules.SeverityInfo, Lines: fired, Rule: r.id, Source: r.source,
				Message: fmt.Sprintf("rule %s rests on a fact the policy marks unconfirmed; verify it with the authority before relying on it", r.id),
			})
		}
		if r.kind == kindApproval {
			continue
		}
		ev.addReason(iorules.Reason{
			Code: r.code, Severity: severityOf(r.kind), Message: message, Lines: fired,
			Rule: r.id, Source: r.source, Unblock: r.unblock,
		})
	}
}

// explainRule records why rule r fired on the lines fired (nil: it did
// not), with its conditions' parts evaluated on the first line it fired on
// (or the first line), and the rows it read since the trace held traced.
func (ev *evaluation) explainRule(r *rule, fired []int, traced int, failedBefore bool) {
	re := RuleExplanation{Rule: r.id, Kind: r.kind, Fired: fired != nil, Lines: slices.Clone(fired), Rows: ev.rowsSince(traced)}
	switch {
	case ev.ruleErr[r.id] && !failedBefore:
		re.Why = "its condition could not be evaluated (see its fact_missing or rule_error reason)"
	case fired == nil && r.scope == scopeShipment:
		re.Why = "its condition did not hold"
	case fired == nil:
		re.Why = "its condition held on no line"
	case r.scope == scopeShipment:
		re.Why = "its condition held"
	default:
		re.Why = "its condition held on " + strings.ToLower(linesPhrase(fired))
	}
	switch {
	case r.scope == scopeShipment:
		re.Conditions = ev.evalParts(r.whenParts)
	case len(ev.s.Items) > 0:
		i := 0
		if fired != nil {
			i = slices.IndexFunc(ev.s.Items, func(it iorules.Item) bool { return it.Line == fired[0] })
		}
		ev.bindItem(i)
		re.Conditions = ev.evalParts(r.whenParts)
		ev.unbindItem()
	}
	ev.rec.trace = ev.rec.trace[:traced+len(re.Rows)] // the parts' reads are not the rule's
	ev.explain.Rules = append(ev.explain.Rules, re)
}

// linesPhrase names lines for a person: "line 3", "lines 1, 2".
func linesPhrase(lines []int) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprint(l)
	}
	if len(lines) == 1 {
		return "Line " + parts[0]
	}
	return "Lines " + strings.Join(parts, ", ")
}

func severityOf(kind string) iorules.Severity {
	switch kind {
	case kindDecline, kindImporter:
		return iorules.SeverityDecline
	case kindCondition:
		return iorules.SeverityCondition
	}
	return iorules.SeverityInfo
}

// check evaluates a rule's condition. A condition that cannot be evaluated
// adds its reason once per rule and counts as not fired.
func (ev *evaluation) check(r *rule, lines []int) bool {
	val, reason := ev.run(r.when, r.id, "the condition", lines)
	if reason != nil {
		ev.ruleFailed(r.id, infoOnly(r, reason))
		return false
	}
	return val == types.True
}

// infoOnly lowers a missing fact of an info rule to info: a rule that can
// only inform cannot hold the cargo because it could not be evaluated. A
// rule error stays a decline (the policy itself is broken).
func infoOnly(r *rule, reason *iorules.Reason) *iorules.Reason {
	if r.kind == kindInfo && reason.Code == CodeFactMissing {
		reason.Severity = iorules.SeverityInfo
	}
	return reason
}

// ruleFailed reports a rule that could not be evaluated, merging the lines
// of repeated failures of the same rule into one reason.
func (ev *evaluation) ruleFailed(id string, reason *iorules.Reason) {
	if ev.ruleErr[id] {
		for i := range ev.d.Reasons {
			if rr := &ev.d.Reasons[i]; rr.Rule == id && (rr.Code == CodeFactMissing || rr.Code == CodeRuleError) {
				rr.Lines = append(rr.Lines, reason.Lines...)
				return
			}
		}
	}
	ev.ruleErr[id] = true
	ev.addReason(*reason)
}

func (ev *evaluation) message(r *rule, lines []int) string {
	if r.messageExpr == nil {
		return r.message
	}
	val, reason := ev.run(r.messageExpr, r.id, "the message", lines)
	if reason != nil {
		return r.message
	}
	if s, ok := val.(types.String); ok && s != "" {
		return string(s)
	}
	return r.message
}

// applyApprovals merges the approval requirements and reports the ones
// that are not held.
func (ev *evaluation) applyApprovals() {
	d := ev.d
	d.Approvals = approvals.Merge(*ev.s, ev.reqs)
	for _, a := range d.Approvals {
		if a.Status == approvals.StatusHeld {
			continue
		}
		sev := iorules.SeverityCondition
		if !a.Stage.Blocks() {
			sev = iorules.SeverityInfo
		}
		code, what := CodeApprovalMissing, "is required"
		if a.Status == approvals.StatusExpired {
			code, what = CodeApprovalExpired, "has expired"
		}
		msg := fmt.Sprintf("%s (%s) %s %s", approvalName(a), a.ID, what, stagePhrase(a.Stage))
		if a.Note != "" {
			msg += ". " + strings.TrimSuffix(a.Note, ".")
		}
		lead := "lead time unknown"
		if a.LeadTimeDays != nil {
			lead = fmt.Sprintf("lead time about %d days", *a.LeadTimeDays)
		}
		unblock := fmt.Sprintf("Obtain %s from %s (%s) and list it in approvals_held as %q.", a.Title, a.Authority, lead, a.ID)
		if a.Unblock != "" {
			unblock = a.Unblock + " (" + lead + ")"
		}
		ev.addReason(iorules.Reason{
			Code: code, Severity: sev, Lines: a.Lines, Rule: a.Rule, Source: a.Source,
			Message: msg + ".", Unblock: unblock,
		})
	}
	date, ok := approvals.EarliestShipDate(ev.s.Date, d.Approvals)
	if !ok {
		ev.addReason(iorules.Reason{
			Code: CodeLeadTimeUnknown, Severity: iorules.SeverityInfo, Rule: "approvals",
			Message: "the earliest ship date cannot be given: a missing approval has no known lead time",
		})
		return
	}
	// An export licence required at origin holds the cargo too, and no
	// processing time is known for one: the date is unknown, not today.
	if lines, needed := licenceLines(d.ExportControl); needed {
		ev.addReason(iorules.Reason{
			Code: CodeLeadTimeUnknown, Severity: iorules.SeverityInfo, Rule: "export_control", Lines: lines,
			Message: "the earliest ship date cannot be given: an export licence is required at origin and its processing time is not known",
		})
		return
	}
	d.EarliestShipDate = date
}

// licenceLines reports whether an export licence is required at origin,
// and for which lines (none named when it is for the shipment as a whole).
func licenceLines(r exportctl.Result) ([]int, bool) {
	var lines []int
	for _, l := range r.Lines {
		if l.LicenceRequired {
			lines = append(lines, l.Line)
		}
	}
	return lines, r.LicenceRequired || len(lines) > 0
}

// approvalName is the authority and title of an approval, without saying
// the authority twice when the title starts with it ("TAREKS import
// inspection", "BIS registration").
func approvalName(a approvals.Approval) string {
	if rest, ok := strings.CutPrefix(a.Title, a.Authority); a.Authority == "" || ok && (rest == "" || rest[0] == ' ') {
		return a.Title
	}
	return a.Authority + " " + a.Title
}

func stagePhrase(s approvals.Stage) string {
	switch s {
	case approvals.BeforeShipment:
		return "before the goods are shipped"
	case approvals.BeforeClearance:
		return "before the customs declaration"
	}
	return "after clearance, to sell or operate the goods; it does not hold the cargo"
}

// noteUnconfirmed adds one info reason per unconfirmed or caller-supplied
// table row used, in order of first use.
func (ev *evaluation) noteUnconfirmed() {
	for _, u := range ev.rec.used {
		label := "table " + u.table + " entry " + u.entry.Key + tierLabel(u.entry) + " = " + u.entry.Value.String()
		if u.entry.Caller {
			msg := label + " was supplied by the caller (" + strings.TrimPrefix(u.entry.Source, callerSource) + ")"
			if u.entry.Confidence == "unconfirmed" {
				msg += ", marked unconfirmed"
			}
			ev.addReason(iorules.Reason{
				Code: CodeCallerRate, Severity: iorules.SeverityInfo, Rule: "table " + u.table, Source: u.entry.Source,
				Message: msg + "; the figures computed from it rest on that source",
			})
			continue
		}
		ev.addReason(iorules.Reason{
			Code: CodeUnconfirmedRate, Severity: iorules.SeverityInfo, Rule: "table " + u.table, Source: u.entry.Source,
			Message: label + " is unconfirmed: check it against the official tariff before relying on the figure",
		})
	}
}

func tierLabel(e *tableEntry) string {
	if e.Key != "" {
		return ""
	}
	if e.To == 0 {
		return fmt.Sprintf("%d+", e.From)
	}
	return fmt.Sprintf("%d-%d", e.From, e.To)
}

// bySeverity orders reasons from the most to the least severe, keeping
// the order of reasons of equal severity. There are three severities, so
// this is one pass per severity rather than a sort that moves the large
// Reason values around.
func bySeverity(reasons []iorules.Reason) []iorules.Reason {
	out := make([]iorules.Reason, 0, len(reasons))
	for _, sev := range []iorules.Severity{iorules.SeverityDecline, iorules.SeverityCondition, iorules.SeverityInfo} {
		for i := range reasons {
			if reasons[i].Severity == sev {
				out = append(out, reasons[i])
			}
		}
	}
	if len(out) != len(reasons) {
		// A severity outside the three: fall back to the general order.
		out = append(out[:0], reasons...)
		slices.SortStableFunc(out, func(a, b iorules.Reason) int {
			return cmp.Compare(b.Severity.Rank(), a.Severity.Rank())
		})
	}
	return out
}

// finish orders the reasons and sets the verdict.
func (ev *evaluation) finish() {
	d := ev.d
	for i := range d.Reasons {
		slices.Sort(d.Reasons[i].Lines)
		d.Reasons[i].Lines = slices.Compact(d.Reasons[i].Lines)
	}
	d.Reasons = bySeverity(d.Reasons)
	d.Verdict = Clear
	for _, r := range d.Reasons {
		switch r.Severity {
		case iorules.SeverityDecline:
			d.Verdict = Decline
			// A declined shipment does not move: it has no ship date.
			d.EarliestShipDate = iorules.Date{}
			return
		case iorules.SeverityCondition:
			d.Verdict = Conditional
		}
	}
}

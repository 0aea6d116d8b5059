package markets

import (
	"fmt"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules"
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
	RateDate     iorules.Date     `json:"rate_date"`
	// Taxes traces each tax in force for each declaration group, in chain
	// order, then group order.
	Taxes []TaxExplanation `json:"taxes"`
	// Rules traces each rule, in policy order.
	Rules []RuleExplanation `json:"rules"`
}

// TaxExplanation is how one tax came about for one declaration group.
type TaxExplanation struct {
	Tax string `json:"tax"`
	// Group is the declaration group, as Line.Group; 0 for a tax computed
	// once for the declaration.
	Group int   `json:"group"`
	Lines []int `json:"lines"`
	// Applies is false when the tax's condition did not hold: it is then
	// zero. When is the condition as written.
	Applies bool   `json:"applies"`
	When    string `json:"when,omitempty"`
	// Rate and Base for a tax computed as base × rate, with the terms the
	// base adds up, each with its value; Amount is what the tax came to,
	// Unrounded before Rounding.
	Rate      *decimal.Decimal `json:"rate,omitempty"`
	Base      *decimal.Decimal `json:"base,omitempty"`
	BaseTerms []Term           `json:"base_terms,omitempty"`
	Unrounded *decimal.Decimal `json:"unrounded,omitempty"`
	Amount    *decimal.Decimal `json:"amount,omitempty"`
	Rounding  string           `json:"rounding,omitempty"`
	// Rows are the table rows the tax read.
	Rows []RowUse `json:"rows,omitempty"`
	// NotComputed says why the tax could not be computed for the group.
	NotComputed string `json:"not_computed,omitempty"`
}

// Term is one part of an expression and its value.
type Term struct {
	Expr  string `json:"expr"`
	Value string `json:"value"`
}

// RowUse is a table row an expression read.
type RowUse struct {
	Table         string          `json:"table"`
	Key           string          `json:"key"`
	Value         decimal.Decimal `json:"value"`
	EffectiveFrom iorules.Date    `json:"effective_from,omitzero"`
	EffectiveTo   iorules.Date    `json:"effective_to,omitzero"`
	Source        string          `json:"source"`
	Confidence    string          `json:"confidence"`
	// Caller marks a row the caller supplied (WithTables).
	Caller bool `json:"caller,omitempty"`
}

// RuleExplanation is why a rule fired or did not.
type RuleExplanation struct {
	Rule string `json:"rule"`
	Kind string `json:"kind"`
	// Fired says whether the rule fired, and on which lines (none for a
	// shipment-scope rule).
	Fired bool  `json:"fired"`
	Lines []int `json:"lines,omitempty"`
	// Why says it in words: where it fired, that its condition held on no
	// line, that it is not in force on the date, or that it could not be
	// evaluated.
	Why string `json:"why"`
	// Conditions are the parts of its condition joined by && or ||, each
	// with its value on the line it fired on first (or the first line).
	Conditions []Term   `json:"conditions,omitempty"`
	Rows       []RowUse `json:"rows,omitempty"`
}

// partProgram is one part of an expression, compiled on its own for the
// explanation.
type partProgram struct {
	text string
	prg  cel.Program
}

// exprParts are the parts of an expression joined at its top level by
// some operators, compiled on their own the first time an explanation
// needs them (most evaluations never do, so loading does not pay for it).
type exprParts struct {
	text  string
	ops   []string
	once  sync.Once
	progs []partProgram
}

func newExprParts(text string, ops ...string) *exprParts {
	return &exprParts{text: text, ops: ops}
}

// programs returns the compiled parts; nil when there is only one part or
// a part does not compile alone (the explanation then shows the whole
// expression).
func (x *exprParts) programs(env *cel.Env, opts []cel.ProgramOption) []partProgram {
	if x == nil {
		return nil
	}
	x.once.Do(func() { x.progs = compileParts(env, opts, x.text, x.ops) })
	return x.progs
}

func compileParts(env *cel.Env, opts []cel.ProgramOption, text string, ops []string) []partProgram {
	parts := splitTopLevel(text, ops)
	if len(parts) < 2 {
		// (a + b + c).div(...) adds up its terms inside the call.
		if inner, ok := leadingParenthesis(strings.TrimSpace(text)); ok {
			parts = splitTopLevel(inner, ops)
		}
	}
	if len(parts) < 2 {
		return nil
	}
	out := make([]partProgram, 0, len(parts))
	for _, p := range parts {
		checked, iss := env.Compile(p)
		if iss != nil && iss.Err() != nil {
			return nil
		}
		prg, err := env.Program(checked, opts...)
		if err != nil {
			return nil
		}
		out = append(out, partProgram{text: p, prg: prg})
	}
	return out
}

// leadingParenthesis returns the inside of a parenthesised expression that
// starts text and is followed by more (a method call on it).
func leadingParenthesis(text string) (string, bool) {
	if !strings.HasPrefix(text, "(") {
		return "", false
	}
	depth := 0
	inQuote := byte(0)
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case inQuote != 0:
			if ch == '\\' {
				i++
			} else if ch == inQuote {
				inQuote = 0
			}
		case ch == '"' || ch == '\'':
			inQuote = ch
		case ch == '(':
			depth++
		case ch == ')':
			depth--
			if depth == 0 {
				return text[1:i], i < len(text)-1
			}
		}
	}
	return "", false
}

// splitTopLevel splits text at the operators ops that stand outside
// parentheses, brackets, braces and string literals. A part keeps a
// leading "-" when the operator was a binary minus ("-tax.x").
func splitTopLevel(text string, ops []string) []string {
	var parts []string
	depth, start := 0, 0
	inQuote := byte(0)
	lastOperand := false // the previous non-space character ends an operand
	for i := 0; i < len(text); i++ {
		ch := text[i]
		if inQuote != 0 {
			if ch == '\\' {
				i++
			} else if ch == inQuote {
				inQuote = 0
				lastOperand = true
			}
			continue
		}
		switch ch {
		case '"', '\'':
			inQuote = ch
			continue
		case '(', '[', '{':
			depth++
			lastOperand = false
			continue
		case ')', ']', '}':
			depth--
			lastOperand = true
			continue
		case ' ', '\t', '\n', '\r':
			continue
		}
		if depth == 0 && lastOperand {
			for _, op := range ops {
				if strings.HasPrefix(text[i:], op) {
					parts = append(parts, strings.TrimSpace(text[start:i]))
					start = i + len(op)
					if op == "-" {
						start = i // keep the sign with the term
					}
					i += len(op) - 1
					lastOperand = false
					goto next
				}
			}
		}
		lastOperand = isOperandEnd(ch)
	next:
	}
	parts = append(parts, strings.TrimSpace(text[start:]))
	for _, p := range parts {
		if p == "" {
			return nil
		}
	}
	return parts
}

func isOperandEnd(ch byte) bool {
	return ch == '_' || ch == '.' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z'
}

// evalParts evaluates the parts with the variables bound now.
func (ev *evaluation) evalParts(x *exprParts) []Term {
	parts := x.programs(ev.env, ev.progOpts)
	if len(parts) == 0 {
		return nil
	}
	out := make([]Term, len(parts))
	for i, p := range parts {
		val, _, err := p.prg.Eval(&ev.act)
		out[i] = Term{Expr: p.text, Value: termValue(val, err)}
	}
	return out
}

func termValue(val ref.Val, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	if d, ok := asDecimal(val); ok {
		return d.Decimal().String()
	}
	switch v := val.(type) {
	case types.Bool:
		return fmt.Sprint(bool(v))
	case types.String:
		return fmt.Sprintf("%q", string(v))
	case *types.Err:
		return "error: " + v.String()
	}
	return fmt.Sprint(val.Value())
}

// rowsSince returns the rows read since the recorder's trace held n.
func (ev *evaluation) rowsSince(n int) []RowUse {
	if len(ev.rec.trace) == n {
		return nil
	}
	out := make([]RowUse, 0, len(ev.rec.trace)-n)
	for _, u := range ev.rec.trace[n:] {
		out = append(out, RowUse{Table: u.Table, Key: u.Entry.Key, Value: u.Entry.Value.Decimal(),
			EffectiveFrom: u.Entry.EffectiveFrom, EffectiveTo: u.Entry.EffectiveTo,
			Source: u.Entry.Source, Confidence: u.Entry.Confidence, Caller: u.Entry.Caller})
	}
	return out
}

// roundingText says how a tax's amount was rounded.
func (ev *evaluation) roundingText(t *PTax) string {
	mode := "half up"
	if t.HalfEven {
		mode = "half to even"
	}
	return fmt.Sprintf("%s to %d places (%s)", mode, ev.pol.Currency.MinorUnits(), ev.pol.Currency)
}

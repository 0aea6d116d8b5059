package policy

import (
	"fmt"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

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
func (r *Run) evalParts(x *exprParts) []Term {
	parts := x.programs(r.env.env, r.env.progOpts)
	if len(parts) == 0 {
		return nil
	}
	out := make([]Term, len(parts))
	for i, p := range parts {
		val, _, err := p.prg.Eval(&r.act)
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

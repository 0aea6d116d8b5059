package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/iorules/iorules/internal/exact"
)

// An expression of the policy language is evaluated by CEL's interpreter,
// which passes every intermediate value as a ref.Val: each decimal a tax
// chain computes is boxed on the heap, and each step is dispatched through
// an interface. Most expressions of a policy use a small part of the
// language (fields of the model, literals, arithmetic and comparisons on
// decimals, logic, membership in a literal list, the helpers): those are
// also lowered, at load, into Go closures over typed values, which the Run
// evaluates instead. They give the same values, the same errors and the
// same reads of tables as the interpreter (TestLoweredMatchesInterpreter
// and FuzzLoweredMatchesInterpreter compare the two expression by
// expression, markets' TestLoweringChangesNothing decision by decision);
// an expression that uses anything else (comprehensions, indexing, list
// and map literals, conversions) is left to the interpreter alone.

// Lowered closures, one per result type. An error is the CEL error value
// the interpreter would give at that point.
type (
	boolFn func(*Run) (bool, *types.Err)
	intFn  func(*Run) (int64, *types.Err)
	strFn  func(*Run) (string, *types.Err)
	decFn  func(*Run) (exact.Dec, *types.Err)
	// valFn gives a record (an *objectVal), a list or a map, read by the
	// selections, size() and membership tests above it.
	valFn func(*Run) (ref.Val, *types.Err)
)

// lowered is one expression node lowered to a closure: exactly one of the
// fields is set, by the node's type.
type lowered struct {
	b boolFn
	i intFn
	s strFn
	d decFn
	v valFn
	// record is the record type of a v that gives one (nil for a list or
	// a map).
	record *objectType
	// constStr holds the value of a string literal.
	constStr *string
}

// native is a whole expression lowered: b for a condition, d for a
// decimal; nil when the expression is left to the interpreter.
type native struct {
	b boolFn
	d decFn
}

// notLowered is why a node could not be lowered.
type notLowered string

func (n notLowered) Error() string { return string(n) }

// lowerer lowers one checked expression of a policy.
type lowerer struct {
	env      *Environment
	checked  *ast.AST
	taxNames []string // the policy's taxes so far, by chain position
}

// lowerExpression lowers the checked expression to a closure of the type
// want (bool or decimal); nil, with why, when some part of it is not
// covered.
func lowerExpression(env *Environment, checked *ast.AST, taxNames []string, want *types.Type) (*native, error) {
	lw := &lowerer{env: env, checked: checked, taxNames: taxNames}
	l, err := lw.lower(checked.Expr())
	if err != nil {
		return nil, err
	}
	switch {
	case want == types.BoolType && l.b != nil:
		return &native{b: l.b}, nil
	case want.IsExactType(decimalType) && l.d != nil:
		return &native{d: l.d}, nil
	}
	return nil, notLowered("result type")
}

func (lw *lowerer) typeOf(e ast.Expr) *types.Type { return lw.checked.GetType(e.ID()) }

func isDecimal(t *types.Type) bool { return t != nil && t.IsExactType(decimalType) }

func (lw *lowerer) lower(e ast.Expr) (lowered, error) {
	switch e.Kind() {
	case ast.LiteralKind:
		switch v := e.AsLiteral().(type) {
		case types.Bool:
			b := bool(v)
			return lowered{b: func(*Run) (bool, *types.Err) { return b, nil }}, nil
		case types.Int:
			i := int64(v)
			return lowered{i: func(*Run) (int64, *types.Err) { return i, nil }}, nil
		case types.String:
			s := string(v)
			return lowered{s: func(*Run) (string, *types.Err) { return s, nil }, constStr: &s}, nil
		}
		return lowered{}, notLowered("literal of type " + e.AsLiteral().Type().TypeName())
	case ast.IdentKind:
		return lw.ident(e.AsIdent())
	case ast.SelectKind:
		return lw.selection(e)
	case ast.CallKind:
		return lw.call(e)
	case ast.ComprehensionKind:
		return lowered{}, notLowered("comprehension (exists, all, map, filter)")
	case ast.ListKind:
		return lowered{}, notLowered("list literal outside a membership test")
	case ast.MapKind, ast.StructKind:
		return lowered{}, notLowered("map or message literal")
	}
	return lowered{}, notLowered(fmt.Sprintf("expression kind %v", e.Kind()))
}

// ident lowers a policy variable.
func (lw *lowerer) ident(name string) (lowered, error) {
	record := func(get func(a *activation) ref.Val, typeName string) (lowered, error) {
		ot := lw.env.provider.byName[typeName]
		return lowered{record: ot, v: func(r *Run) (ref.Val, *types.Err) {
			v := get(&r.act)
			if v == nil {
				return nil, unbound(name)
			}
			return v, nil
		}}, nil
	}
	switch name {
	case varShipment:
		return record(func(a *activation) ref.Val { return a.shipment }, "iorules.Shipment")
	case varImporter:
		return record(func(a *activation) ref.Val { return a.importer }, "iorules.Party")
	case varDeclaration:
		return record(func(a *activation) ref.Val { return a.declaration }, "iorules.Declaration")
	case varItem:
		return record(func(a *activation) ref.Val { return a.item }, "iorules.Item")
	case varLine:
		return record(func(a *activation) ref.Val { return a.line }, "iorules.LineValues")
	case varRate:
		return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
			if !r.rateBound {
				return exact.Dec{}, unbound(name)
			}
			return r.rate, nil
		}}, nil
	}
	return lowered{}, notLowered("variable " + name)
}

// unbound is the interpreter's error for a variable with no value.
func unbound(name string) *types.Err {
	return types.NewErr("no such attribute(s): %s", name).(*types.Err)
}

// selection lowers record.field and tax.name.
func (lw *lowerer) selection(e ast.Expr) (lowered, error) {
	sel := e.AsSelect()
	if sel.IsTestOnly() {
		return lowered{}, notLowered("has()")
	}
	field := sel.FieldName()
	if op := sel.Operand(); op.Kind() == ast.IdentKind && op.AsIdent() == varTax {
		return lw.taxRead(field)
	}
	operand, err := lw.lower(sel.Operand())
	if err != nil {
		return lowered{}, err
	}
	ot := operand.record
	if ot == nil {
		return lowered{}, notLowered("selection on a value that is not a record")
	}
	slot, ok := ot.slots[field]
	if !ok {
		return lowered{}, notLowered("no field " + field)
	}
	get := operand.v
	// record returns the record the operand gives.
	record := func(r *Run) (*objectVal, *types.Err) {
		v, err := get(r)
		if err != nil {
			return nil, err
		}
		o, ok := v.(*objectVal)
		if !ok || o.typ != ot {
			return nil, types.NewErr("field %s: unexpected target %T", field, v).(*types.Err)
		}
		return o, nil
	}
	// A field of a Go value is read as such, without a CEL value.
	switch g := ot.typed[slot]; {
	case g.str != nil:
		return lowered{s: fieldOf(record, g.str)}, nil
	case g.integer != nil:
		return lowered{i: fieldOf(record, g.integer)}, nil
	case g.boolean != nil:
		return lowered{b: fieldOf(record, g.boolean)}, nil
	case g.dec != nil:
		return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
			o, err := record(r)
			if err != nil {
				return exact.Dec{}, err
			}
			d, missing := g.dec(o.ptr)
			if missing != nil {
				if e, ok := missing.(*types.Err); ok {
					return exact.Dec{}, e
				}
				return exact.Dec{}, mismatch(missing, "decimal")
			}
			return d, nil
		}}, nil
	}
	read := func(r *Run) (ref.Val, *types.Err) {
		o, err := record(r)
		if err != nil {
			return nil, err
		}
		fv := o.field(slot)
		if e, isErr := fv.(*types.Err); isErr {
			return nil, e
		}
		return fv, nil
	}
	return lowerValue(read, lw.typeOf(e), lw.env.provider)
}

// fieldOf reads a field of the record that record gives with get.
func fieldOf[T any](record func(*Run) (*objectVal, *types.Err), get func(any) T) func(*Run) (T, *types.Err) {
	return func(r *Run) (T, *types.Err) {
		o, err := record(r)
		if err != nil {
			var zero T
			return zero, err
		}
		return get(o.ptr), nil
	}
}

// lowerValue types a closure that gives a CEL value of type t.
func lowerValue(read valFn, t *types.Type, p *modelProvider) (lowered, error) {
	switch {
	case t == nil:
		return lowered{}, notLowered("untyped value")
	case t.Kind() == types.BoolKind:
		return lowered{b: unwrap(read, func(v ref.Val) (bool, bool) { b, ok := v.(types.Bool); return bool(b), ok }, "bool")}, nil
	case t.Kind() == types.IntKind:
		return lowered{i: unwrap(read, func(v ref.Val) (int64, bool) { i, ok := v.(types.Int); return int64(i), ok }, "int")}, nil
	case t.Kind() == types.StringKind:
		return lowered{s: unwrap(read, func(v ref.Val) (string, bool) { s, ok := v.(types.String); return string(s), ok }, "string")}, nil
	case isDecimal(t):
		return lowered{d: unwrap(read, asDecimal, "decimal")}, nil
	case t.Kind() == types.StructKind:
		ot := p.byName[t.TypeName()]
		if ot == nil {
			return lowered{}, notLowered("record type " + t.TypeName())
		}
		return lowered{v: read, record: ot}, nil
	case t.Kind() == types.ListKind, t.Kind() == types.MapKind:
		return lowered{v: read}, nil
	}
	return lowered{}, notLowered("value of type " + t.String())
}

// unwrap turns read into a closure giving its value as a T (through as);
// a value of another type is a mismatch, which the checker rules out.
func unwrap[T any](read valFn, as func(ref.Val) (T, bool), want string) func(*Run) (T, *types.Err) {
	return func(r *Run) (T, *types.Err) {
		var zero T
		v, err := read(r)
		if err != nil {
			return zero, err
		}
		x, ok := as(v)
		if !ok {
			return zero, mismatch(v, want)
		}
		return x, nil
	}
}

// mismatch is the error for a value of an unexpected type, which the
// checker rules out.
func mismatch(v ref.Val, want string) *types.Err {
	return types.NewErr("got %s, want %s", v.Type().TypeName(), want).(*types.Err)
}

// taxRead lowers tax.name: the amount of an earlier tax of the group, read
// by its position in the chain.
func (lw *lowerer) taxRead(name string) (lowered, error) {
	pos := slices.Index(lw.taxNames, name)
	if pos < 0 {
		return lowered{}, notLowered("tax." + name)
	}
	return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
		m, ok := r.act.tax.(*taxMap)
		if !ok {
			return exact.Dec{}, unbound(varTax)
		}
		if !m.has[pos] {
			return exact.Dec{}, types.NewErr("no such key: %v", name).(*types.Err)
		}
		return m.amounts[pos], nil
	}}, nil
}

// taxComputed lowers "name" in tax: whether the earlier tax name was
// computed for the group (false for a name no earlier tax has).
func (lw *lowerer) taxComputed(name ast.Expr) (lowered, error) {
	if name.Kind() != ast.LiteralKind {
		return lowered{}, notLowered("membership in tax of a name that is not literal")
	}
	s, ok := name.AsLiteral().(types.String)
	if !ok {
		return lowered{}, notLowered("membership in tax of a name that is not a string")
	}
	pos := slices.Index(lw.taxNames, string(s))
	return lowered{b: func(r *Run) (bool, *types.Err) {
		m, ok := r.act.tax.(*taxMap)
		if !ok {
			return false, unbound(varTax)
		}
		return pos >= 0 && m.has[pos], nil
	}}, nil
}

// call lowers operators, the decimal functions and the helpers.
func (lw *lowerer) call(e ast.Expr) (lowered, error) {
	c := e.AsCall()
	fn := c.FunctionName()
	if c.IsMemberFunction() {
		if t := c.Target(); t.Kind() == ast.IdentKind && t.AsIdent() == ctxVar {
			return lw.helper(fn, c.Args())
		}
	}
	args := c.Args()
	if fn == operators.In {
		if m := args[1]; m.Kind() == ast.IdentKind && m.AsIdent() == varTax {
			return lw.taxComputed(args[0])
		}
		elem, err := lw.lower(args[0])
		if err != nil {
			return lowered{}, err
		}
		if args[1].Kind() == ast.ListKind {
			return membership(args[1], elem)
		}
		container, err := lw.lower(args[1])
		if err != nil {
			return lowered{}, err
		}
		return contains(container, elem)
	}
	if c.IsMemberFunction() {
		args = append([]ast.Expr{c.Target()}, args...)
	}
	ls := make([]lowered, len(args))
	for i, a := range args {
		l, err := lw.lower(a)
		if err != nil {
			return lowered{}, err
		}
		ls[i] = l
	}
	switch fn {
	case operators.LogicalAnd, operators.LogicalOr:
		return logical(fn == operators.LogicalAnd, ls)
	case operators.LogicalNot:
		return not(ls[0].b)
	case operators.Conditional:
		return conditional(ls[0].b, ls[1], ls[2])
	case operators.Equals, operators.NotEquals:
		return equality(fn == operators.NotEquals, ls[0], ls[1])
	case operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		return ordering(fn, ls[0], ls[1])
	case operators.Add, operators.Subtract, operators.Multiply:
		return arithmetic(fn, ls[0], ls[1])
	case operators.Negate:
		return negate(ls[0])
	case "decimal":
		return toDecimal(ls[0])
	case "div":
		return decimalOp3(ls, divide)
	case "round":
		return decimalOp2(ls, func(d exact.Dec, p int64) (exact.Dec, *types.Err) { return roundPlaces(d, p, exact.Dec.Round) })
	case "round_even":
		return decimalOp2(ls, func(d exact.Dec, p int64) (exact.Dec, *types.Err) {
			return roundPlaces(d, p, exact.Dec.RoundBank)
		})
	case "max", "min":
		return extremum(fn == "max", ls)
	case "startsWith", "endsWith", "contains":
		return stringTest(fn, ls)
	case "size":
		return size(ls)
	}
	return lowered{}, notLowered("function " + fn)
}

// logical lowers && or || of its terms: two, or more when the parser
// gives a chain as one call (the interpreter takes any number).
func logical(and bool, terms []lowered) (lowered, error) {
	if len(terms) < 2 {
		return lowered{}, notLowered("logic of fewer than two terms")
	}
	l := terms[0]
	for _, t := range terms[1:] {
		var err error
		if l, err = logical2(and, l.b, t.b); err != nil {
			return lowered{}, err
		}
	}
	return l, nil
}

// logical2 is a && b or a || b. Nested to the left, it gives what the
// interpreter gives for a chain of terms.
func logical2(and bool, a, b boolFn) (lowered, error) {
	if a == nil || b == nil {
		return lowered{}, notLowered("logic on values that are not bool")
	}
	// The interpreter evaluates left to right and stops at the first term
	// that decides the result; an error in an earlier term is given only
	// when no later term decides it (false && error is false, either way
	// round).
	decides := !and
	return lowered{b: func(r *Run) (bool, *types.Err) {
		x, errA := a(r)
		if errA == nil && x == decides {
			return decides, nil
		}
		y, errB := b(r)
		if errB == nil && y == decides {
			return decides, nil
		}
		if errA != nil {
			return false, errA
		}
		if errB != nil {
			return false, errB
		}
		return !decides, nil
	}}, nil
}

func not(a boolFn) (lowered, error) {
	if a == nil {
		return lowered{}, notLowered("! on a value that is not bool")
	}
	return lowered{b: func(r *Run) (bool, *types.Err) {
		x, err := a(r)
		return !x, err
	}}, nil
}

func conditional(cond boolFn, t, f lowered) (lowered, error) {
	switch {
	case cond == nil:
		return lowered{}, notLowered("condition that is not bool")
	case t.d != nil && f.d != nil:
		return lowered{d: choose(cond, t.d, f.d)}, nil
	case t.b != nil && f.b != nil:
		return lowered{b: choose[bool](cond, t.b, f.b)}, nil
	case t.s != nil && f.s != nil:
		return lowered{s: choose(cond, t.s, f.s)}, nil
	}
	return lowered{}, notLowered("conditional of this type")
}

// choose evaluates cond, then t or f as it holds; an error of cond is the
// result.
func choose[T any](cond boolFn, t, f func(*Run) (T, *types.Err)) func(*Run) (T, *types.Err) {
	return func(r *Run) (T, *types.Err) {
		c, err := cond(r)
		switch {
		case err != nil:
			var zero T
			return zero, err
		case c:
			return t(r)
		}
		return f(r)
	}
}

// both evaluates two operands left to right, stopping at the first error,
// as the interpreter does for every strict function.
func both[A, B any](r *Run, a func(*Run) (A, *types.Err), b func(*Run) (B, *types.Err)) (A, B, *types.Err) {
	x, err := a(r)
	if err != nil {
		var y B
		return x, y, err
	}
	y, err := b(r)
	return x, y, err
}

// compare lowers a binary comparison of two operands of the same type to
// test applied to their order (-1, 0, 1).
func compare(a, b lowered, test func(int) bool) (lowered, error) {
	switch {
	case a.d != nil && b.d != nil:
		return lowered{b: compareBy(a.d, b.d, exact.Dec.Cmp, test)}, nil
	case a.i != nil && b.i != nil:
		return lowered{b: compareBy(a.i, b.i, cmp.Compare[int64], test)}, nil
	case a.s != nil && b.s != nil:
		return lowered{b: compareBy(a.s, b.s, strings.Compare, test)}, nil
	case a.b != nil && b.b != nil:
		byInt := func(x, y bool) int { return cmp.Compare(boolInt(x), boolInt(y)) }
		return lowered{b: compareBy[bool](a.b, b.b, byInt, test)}, nil
	}
	return lowered{}, notLowered("comparison of these types")
}

// compareBy evaluates a then b, stopping at the first error, and applies
// test to their order.
func compareBy[T any](a, b func(*Run) (T, *types.Err), order func(x, y T) int, test func(int) bool) boolFn {
	return func(r *Run) (bool, *types.Err) {
		x, y, err := both(r, a, b)
		return err == nil && test(order(x, y)), err
	}
}

func equality(negated bool, a, b lowered) (lowered, error) {
	if a.b != nil && b.b != nil || a.d != nil || a.i != nil || a.s != nil {
		return compare(a, b, func(c int) bool { return (c == 0) != negated })
	}
	return lowered{}, notLowered("equality of these types")
}

func ordering(op string, a, b lowered) (lowered, error) {
	if a.b != nil {
		return lowered{}, notLowered("ordering of bools")
	}
	tests := map[string]func(int) bool{
		operators.Less:          func(c int) bool { return c < 0 },
		operators.LessEquals:    func(c int) bool { return c <= 0 },
		operators.Greater:       func(c int) bool { return c > 0 },
		operators.GreaterEquals: func(c int) bool { return c >= 0 },
	}
	return compare(a, b, tests[op])
}

func arithmetic(op string, a, b lowered) (lowered, error) {
	switch {
	case a.d != nil && b.d != nil:
		apply := map[string]func(x, y exact.Dec) exact.Dec{
			operators.Add: exact.Dec.Add, operators.Subtract: exact.Dec.Sub, operators.Multiply: exact.Dec.Mul,
		}[op]
		return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
			x, y, err := both(r, a.d, b.d)
			if err != nil {
				return exact.Dec{}, err
			}
			return apply(x, y), nil
		}}, nil
	case a.s != nil && b.s != nil && op == operators.Add:
		return lowered{s: func(r *Run) (string, *types.Err) {
			x, y, err := both(r, a.s, b.s)
			return x + y, err
		}}, nil
	case a.i != nil && b.i != nil:
		// Through CEL's own integers, for the same overflow errors.
		apply := map[string]func(x types.Int, y ref.Val) ref.Val{
			operators.Add: types.Int.Add, operators.Subtract: types.Int.Subtract, operators.Multiply: types.Int.Multiply,
		}[op]
		return lowered{i: func(r *Run) (int64, *types.Err) {
			x, y, err := both(r, a.i, b.i)
			if err != nil {
				return 0, err
			}
			return intResult(apply(types.Int(x), types.Int(y)))
		}}, nil
	}
	return lowered{}, notLowered("arithmetic on these types")
}

func intResult(v ref.Val) (int64, *types.Err) {
	if e, ok := v.(*types.Err); ok {
		return 0, e
	}
	return int64(v.(types.Int)), nil
}

func negate(a lowered) (lowered, error) {
	switch {
	case a.d != nil:
		return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
			x, err := a.d(r)
			return x.Neg(), err
		}}, nil
	case a.i != nil:
		return lowered{i: func(r *Run) (int64, *types.Err) {
			x, err := a.i(r)
			if err != nil {
				return 0, err
			}
			return intResult(types.Int(x).Negate())
		}}, nil
	}
	return lowered{}, notLowered("negation of this type")
}

// membership lowers s in [literal strings]; other lists are left to the
// interpreter.
func membership(list ast.Expr, elem lowered) (lowered, error) {
	if elem.s == nil || list.Kind() != ast.ListKind || len(list.AsList().OptionalIndices()) > 0 {
		return lowered{}, notLowered("membership other than a string in a literal list")
	}
	set := map[string]bool{}
	for _, el := range list.AsList().Elements() {
		if el.Kind() != ast.LiteralKind {
			return lowered{}, notLowered("membership in a list that is not literal")
		}
		s, ok := el.AsLiteral().(types.String)
		if !ok {
			return lowered{}, notLowered("membership in a list of other than strings")
		}
		set[string(s)] = true
	}
	if len(set) == 0 {
		// The interpreter plans membership in an empty literal list as
		// the constant false: the element is not evaluated, so it
		// neither fails nor reads a table.
		return lowered{b: func(*Run) (bool, *types.Err) { return false, nil }}, nil
	}
	get := elem.s
	return lowered{b: func(r *Run) (bool, *types.Err) {
		s, err := get(r)
		return err == nil && set[s], err
	}}, nil
}

// contains lowers s in a list or map value (item.radio,
// shipment.exchange_rates), asking the value itself, as the interpreter
// does.
func contains(container, elem lowered) (lowered, error) {
	if elem.s == nil || container.v == nil || container.record != nil {
		return lowered{}, notLowered("membership of this type")
	}
	get, list := elem.s, container.v
	return lowered{b: func(r *Run) (bool, *types.Err) {
		s, err := get(r)
		if err != nil {
			return false, err
		}
		v, err := list(r)
		if err != nil {
			return false, err
		}
		c, ok := v.(traits.Container)
		if !ok {
			return false, mismatch(v, "list or map")
		}
		switch out := c.Contains(types.String(s)).(type) {
		case types.Bool:
			return bool(out), nil
		case *types.Err:
			return false, out
		default:
			return false, mismatch(out, "bool")
		}
	}}, nil
}

func toDecimal(a lowered) (lowered, error) {
	switch {
	case a.constStr != nil:
		d, err := parsePlainDecimal(*a.constStr)
		if err != nil {
			return lowered{}, notLowered("decimal literal that does not parse")
		}
		return lowered{d: func(*Run) (exact.Dec, *types.Err) { return d, nil }}, nil
	case a.i != nil:
		return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
			i, err := a.i(r)
			return exact.New(i, 0), err
		}}, nil
	}
	return lowered{}, notLowered("decimal() of a value that is not a literal or an int")
}

func decimalOp2(ls []lowered, fn func(exact.Dec, int64) (exact.Dec, *types.Err)) (lowered, error) {
	if len(ls) != 2 || ls[0].d == nil || ls[1].i == nil {
		return lowered{}, notLowered("decimal function of these types")
	}
	a, p := ls[0].d, ls[1].i
	return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
		x, places, err := both(r, a, p)
		if err != nil {
			return exact.Dec{}, err
		}
		return fn(x, places)
	}}, nil
}

func decimalOp3(ls []lowered, fn func(a, b exact.Dec, p int64) (exact.Dec, *types.Err)) (lowered, error) {
	if len(ls) != 3 || ls[0].d == nil || ls[1].d == nil || ls[2].i == nil {
		return lowered{}, notLowered("decimal function of these types")
	}
	a, b, p := ls[0].d, ls[1].d, ls[2].i
	return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
		x, y, err := both(r, a, b)
		if err != nil {
			return exact.Dec{}, err
		}
		places, err := p(r)
		if err != nil {
			return exact.Dec{}, err
		}
		return fn(x, y, places)
	}}, nil
}

func extremum(isMax bool, ls []lowered) (lowered, error) {
	if len(ls) != 2 || ls[0].d == nil || ls[1].d == nil {
		return lowered{}, notLowered("max or min of these types")
	}
	a, b := ls[0].d, ls[1].d
	return lowered{d: func(r *Run) (exact.Dec, *types.Err) {
		x, y, err := both(r, a, b)
		if err != nil {
			return exact.Dec{}, err
		}
		if firstWins(isMax, x, y) {
			return x, nil
		}
		return y, nil
	}}, nil
}

func stringTest(fn string, ls []lowered) (lowered, error) {
	if len(ls) != 2 || ls[0].s == nil || ls[1].s == nil {
		return lowered{}, notLowered(fn + " of these types")
	}
	test := map[string]func(s, sub string) bool{
		"startsWith": strings.HasPrefix, "endsWith": strings.HasSuffix, "contains": strings.Contains,
	}[fn]
	a, b := ls[0].s, ls[1].s
	return lowered{b: func(r *Run) (bool, *types.Err) {
		s, sub, err := both(r, a, b)
		return err == nil && test(s, sub), err
	}}, nil
}

// size lowers the size of a list (a string's size counts code points and
// is left to the interpreter).
func size(ls []lowered) (lowered, error) {
	if len(ls) != 1 || ls[0].v == nil || ls[0].record != nil {
		return lowered{}, notLowered("size of this type")
	}
	get := ls[0].v
	return lowered{i: func(r *Run) (int64, *types.Err) {
		v, err := get(r)
		if err != nil {
			return 0, err
		}
		sizer, ok := v.(traits.Sizer)
		if !ok {
			return 0, mismatch(v, "list")
		}
		return intResult(sizer.Size())
	}}, nil
}

// helper lowers a call of one of the helpers (table, has_document, ...):
// its arguments are lowered, and the helper itself is called as the
// interpreter calls it.
func (lw *lowerer) helper(name string, args []ast.Expr) (lowered, error) {
	f := lw.env.functions[name]
	if f == nil || len(args) != len(f.params) {
		return lowered{}, notLowered("helper " + name)
	}
	if f.str1 != nil || f.str2 != nil {
		return lw.stringHelper(f, args)
	}
	// Each argument as a CEL value; a literal once, here.
	vals := make([]valFn, len(args))
	for i, a := range args {
		l, err := lw.lower(a)
		if err != nil {
			return lowered{}, err
		}
		switch {
		case l.constStr != nil:
			v := types.String(*l.constStr)
			vals[i] = func(*Run) (ref.Val, *types.Err) { return v, nil }
		case l.s != nil:
			get := l.s
			vals[i] = func(r *Run) (ref.Val, *types.Err) {
				s, err := get(r)
				return types.String(s), err
			}
		case l.i != nil:
			get := l.i
			vals[i] = func(r *Run) (ref.Val, *types.Err) {
				n, err := get(r)
				return types.Int(n), err
			}
		default:
			return lowered{}, notLowered("helper argument of this type")
		}
	}
	call := f.impl()
	read := func(r *Run) (ref.Val, *types.Err) {
		var buf [2]ref.Val
		in := buf[:0]
		for _, get := range vals {
			v, err := get(r)
			if err != nil {
				return nil, err
			}
			in = append(in, v)
		}
		out := call(&r.ctx, in)
		if e, ok := out.(*types.Err); ok {
			return nil, e
		}
		return out, nil
	}
	return lowerValue(read, f.result, lw.env.provider)
}

// stringHelper lowers a call of a helper of one or two strings, calling
// it with the strings themselves.
func (lw *lowerer) stringHelper(f *contextFunction, args []ast.Expr) (lowered, error) {
	strs := make([]strFn, len(args))
	for i, a := range args {
		l, err := lw.lower(a)
		if err != nil {
			return lowered{}, err
		}
		if l.s == nil {
			return lowered{}, notLowered("helper argument that is not a string")
		}
		strs[i] = l.s
	}
	var read valFn
	switch {
	case f.str1 != nil && len(strs) == 1:
		fn, a := f.str1, strs[0]
		read = func(r *Run) (ref.Val, *types.Err) {
			x, err := a(r)
			if err != nil {
				return nil, err
			}
			return result(fn(&r.ctx, x))
		}
	case f.str2 != nil && len(strs) == 2:
		fn, a, b := f.str2, strs[0], strs[1]
		read = func(r *Run) (ref.Val, *types.Err) {
			x, y, err := both(r, a, b)
			if err != nil {
				return nil, err
			}
			return result(fn(&r.ctx, x, y))
		}
	default:
		return lowered{}, notLowered("helper " + f.name + " of this arity")
	}
	return lowerValue(read, f.result, lw.env.provider)
}

// result splits a helper's value from its error.
func result(v ref.Val) (ref.Val, *types.Err) {
	if e, ok := v.(*types.Err); ok {
		return nil, e
	}
	return v, nil
}

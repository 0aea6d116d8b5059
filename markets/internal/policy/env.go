package policy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/google/cel-go/interpreter"
	"github.com/google/cel-go/parser"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/internal/exact"
)

// ctxVar is the hidden variable through which the helper functions reach the
// state of one evaluation (shipment date, current item, tables, recorder).
// Policies call table(...), held(...) and friends; macros rewrite those calls
// into member calls on ctxVar.
const ctxVar = "_ctx"

var contextType = types.NewOpaqueType("iorules.Context")

// contextFunction is a helper a policy may call, such as table(name, key)
// or held(id): a macro rewrites the call into a member call on the hidden
// context variable, through which the helper reads the state of the
// evaluation.
type contextFunction struct {
	name string
	// params are the types of its arguments and result that of its value.
	params []*cel.Type
	result *cel.Type
	// call is its implementation on CEL values; a helper whose arguments
	// are one or two strings may give str1 or str2 instead, which lowered
	// expressions call without making CEL values of the arguments.
	call func(c *evalCtx, args []ref.Val) ref.Val
	str1 func(c *evalCtx, a string) ref.Val
	str2 func(c *evalCtx, a, b string) ref.Val
	// readsItem declares that its value depends on the current line (or,
	// in a group-scope tax, the current declaration group), not only on its
	// arguments and the shipment. An expression that calls it reads the
	// item: it is not evaluated once per declaration, and a condition is
	// memoized per class of lines only if lineKey says what it reads.
	readsItem bool
	// reads says what it reads of the line, for messages.
	reads string
	// lineKey, for a helper that reads the line, writes into a class key
	// what it reads of the line, so that two lines with the same key give
	// the same value; nil makes a condition that calls it be evaluated on
	// every line.
	lineKey keyFunc
	// perGroup, for a helper that reads the line, says that in a
	// group-scope tax it reads the whole group, which every line of the
	// group shares; otherwise it would read the group's first line, and a
	// group-scope tax may not call it.
	perGroup bool
	// checkArgs, when set, checks the arguments as the call is parsed.
	checkArgs func(eh parser.ExprHelper, args []ast.Expr) *common.Error
	// table, for a helper whose first argument names a table, says which
	// tables it reads; the name must then be a literal naming one, and the
	// cost of the call is that of the lookup.
	table tableUse
	// knownIDs, when set, is the policy's set of ids to which a literal
	// argument of the helper adds (the approvals, registration schemes or
	// document types it reads), to tell callers which ids a policy knows.
	knownIDs func(p *Policy) *[]string
}

// tableUse is which tables a helper reads.
type tableUse int

const (
	noTable    tableUse = iota
	keyedTable          // an exact or hs_prefix table, by key
	tiersTable          // a tiers table, by count
)

// reads reports whether a helper of this use may read a table matching m.
func (u tableUse) reads(m string) bool {
	return u == tiersTable && m == MatchTiers || u == keyedTable && m != MatchTiers
}

// contextFunctions are the helpers a policy may call.
var contextFunctions = []contextFunction{
	{name: "table", params: []*cel.Type{cel.StringType, cel.StringType}, result: decimalType,
		str2: (*evalCtx).table, table: keyedTable},
	{name: "has_entry", params: []*cel.Type{cel.StringType, cel.StringType}, result: cel.BoolType,
		str2: (*evalCtx).hasEntry, table: keyedTable},
	{name: "tiered", params: []*cel.Type{cel.StringType, cel.IntType}, result: decimalType,
		call: func(c *evalCtx, a []ref.Val) ref.Val {
			return c.tiered(string(a[0].(types.String)), int64(a[1].(types.Int)))
		}, table: tiersTable},
	{name: "held", params: []*cel.Type{cel.StringType}, result: cel.BoolType,
		str1: (*evalCtx).held,
		// It reads the approvals held for the line and its model
		// (approvals.LineStatus).
		readsItem: true, reads: "the line's approvals",
		lineKey:  func(b []byte, _ *iorules.Shipment, it *iorules.Item) []byte { return appendHeldKey(b, it) },
		knownIDs: func(p *Policy) *[]string { return &p.KnownApprovals }},
	{name: "registered", params: []*cel.Type{cel.StringType}, result: cel.BoolType,
		str1: func(c *evalCtx, scheme string) ref.Val {
			_, ok := c.registration(scheme)
			return types.Bool(ok)
		},
		knownIDs: func(p *Policy) *[]string { return &p.KnownSchemes }},
	{name: "registration_level", params: []*cel.Type{cel.StringType}, result: cel.StringType,
		str1: func(c *evalCtx, scheme string) ref.Val {
			r, _ := c.registration(scheme)
			return types.String(r.Level)
		},
		knownIDs: func(p *Policy) *[]string { return &p.KnownSchemes }},
	{name: "has_document", params: []*cel.Type{cel.StringType}, result: cel.BoolType,
		str1: func(c *evalCtx, t string) ref.Val { return c.hasDocument(iorules.DocumentType(t)) },
		// It reads which lines a document covers: the line, or every line
		// of the group (declaration groups split by document, see
		// appendDocumentKey).
		readsItem: true, reads: "which lines a document covers", perGroup: true,
		// Which of the documents that name their lines name this one; the
		// others cover every line alike.
		lineKey: func(b []byte, s *iorules.Shipment, it *iorules.Item) []byte {
			return appendDocumentKey(b, it.Line, s.Documents)
		},
		checkArgs: func(eh parser.ExprHelper, args []ast.Expr) *common.Error { return checkDocumentType(eh, args[0]) },
		knownIDs:  func(p *Policy) *[]string { return &p.KnownDocuments }},
}

// impl returns the helper as a function of CEL values: call, or str1 or
// str2 applied to the arguments' strings.
func (f *contextFunction) impl() func(c *evalCtx, args []ref.Val) ref.Val {
	switch {
	case f.call != nil:
		return f.call
	case f.str1 != nil:
		fn := f.str1
		return func(c *evalCtx, a []ref.Val) ref.Val { return fn(c, string(a[0].(types.String))) }
	case f.str2 != nil:
		fn := f.str2
		return func(c *evalCtx, a []ref.Val) ref.Val {
			return fn(c, string(a[0].(types.String)), string(a[1].(types.String)))
		}
	}
	return func(*evalCtx, []ref.Val) ref.Val { return types.NewErr("helper %s has no implementation", f.name) }
}

// The variables a policy sees. Not every variable is bound in every
// expression kind; see the policy format documentation.
const (
	varShipment    = "shipment"
	varItem        = "item"
	varImporter    = "importer"
	varLine        = "line"
	varDeclaration = "declaration"
	varTax         = "tax"
	varRate        = "rate"
)

// Environment holds the CEL Environment and the type provider shared by
// every policy an Engine loads. Both are immutable after construction.
type Environment struct {
	env      *cel.Env
	provider *modelProvider
	// functions are the helpers by name, and byOverload by the id of
	// their overload.
	functions  map[string]*contextFunction
	byOverload map[string]*contextFunction
	// progOpts are the options every program is planned with;
	// lookupCosts is added for the policy's expressions, whose cost a
	// runtime limit counts by what each table lookup examined.
	progOpts    []cel.ProgramOption
	lookupCosts cel.ProgramOption
	// costLimit is the runtime cost limit (0: none).
	costLimit uint64
}

// NewEnvironment builds the CEL environment of the policy language.
// costLimit, when not zero, aborts any single expression evaluation whose
// cost exceeds it.
func NewEnvironment(costLimit uint64) (*Environment, error) {
	return newEnvironment(costLimit, contextFunctions)
}

// newEnvironment builds the environment with the helpers funcs.
func newEnvironment(costLimit uint64, funcs []contextFunction) (*Environment, error) {
	provider, err := newModelProvider()
	if err != nil {
		return nil, err
	}
	provider.register(modelTypes(provider))

	macros := make([]cel.Macro, 0, len(funcs))
	functions := make(map[string]*contextFunction, len(funcs))
	byOverload := make(map[string]*contextFunction, len(funcs))
	var helpers []cel.EnvOption
	var lookupCosts []interpreter.CostTrackerOption
	for i := range funcs {
		f := &funcs[i]
		functions[f.name] = f
		byOverload[overloadID(f.name)] = f
		if f.table != noTable {
			// A runtime cost limit counts what each lookup examined
			// rather than a constant.
			lookupCosts = append(lookupCosts, interpreter.OverloadCostTracker(overloadID(f.name), lastLookupCost))
		}
		macros = append(macros, parser.NewGlobalMacro(f.name, len(f.params),
			func(eh parser.ExprHelper, _ ast.Expr, args []ast.Expr) (ast.Expr, *common.Error) {
				if f.checkArgs != nil {
					if err := f.checkArgs(eh, args); err != nil {
						return nil, err
					}
				}
				return eh.NewMemberCall(f.name, eh.NewIdent(ctxVar), args...), nil
			}))
		helpers = append(helpers, cel.Function(f.name, cel.MemberOverload(overloadID(f.name),
			append([]*cel.Type{contextType}, f.params...), f.result, cel.FunctionBinding(ctxCall(f.impl())))))
	}

	D, S, I, B := decimalType, cel.StringType, cel.IntType, cel.BoolType
	binary := func(fn func(a, b ref.Val) ref.Val) cel.OverloadOpt { return cel.BinaryBinding(fn) }
	opts := []cel.EnvOption{
		cel.CustomTypeAdapter(provider),
		cel.CustomTypeProvider(provider),
		cel.Macros(macros...),
		ext.Strings(),
		cel.Variable(varShipment, cel.ObjectType("iorules.Shipment")),
		cel.Variable(varItem, cel.ObjectType("iorules.Item")),
		cel.Variable(varImporter, cel.ObjectType("iorules.Party")),
		cel.Variable(varLine, cel.ObjectType("iorules.LineValues")),
		cel.Variable(varDeclaration, cel.ObjectType("iorules.Declaration")),
		cel.Variable(varTax, cel.MapType(S, D)),
		cel.Variable(varRate, D),
		cel.Variable(ctxVar, contextType),

		// Operators dispatch on the value's traits; the declarations let the
		// checker accept decimal operands.
		cel.Function(operators.Add, cel.Overload("add_decimal", []*cel.Type{D, D}, D)),
		cel.Function(operators.Subtract, cel.Overload("subtract_decimal", []*cel.Type{D, D}, D)),
		cel.Function(operators.Multiply, cel.Overload("multiply_decimal", []*cel.Type{D, D}, D)),
		cel.Function(operators.Negate, cel.Overload("negate_decimal", []*cel.Type{D}, D)),
		cel.Function(operators.Less, cel.Overload("less_decimal", []*cel.Type{D, D}, B)),
		cel.Function(operators.LessEquals, cel.Overload("less_equals_decimal", []*cel.Type{D, D}, B)),
		cel.Function(operators.Greater, cel.Overload("greater_decimal", []*cel.Type{D, D}, B)),
		cel.Function(operators.GreaterEquals, cel.Overload("greater_equals_decimal", []*cel.Type{D, D}, B)),

		cel.Function("decimal",
			cel.Overload("decimal_string", []*cel.Type{S}, D, cel.UnaryBinding(decimalFromString)),
			cel.Overload("decimal_int", []*cel.Type{I}, D, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return newDec(exact.New(int64(v.(types.Int)), 0))
			}))),
		cel.Function("div",
			cel.MemberOverload("decimal_div", []*cel.Type{D, D, I}, D, cel.FunctionBinding(decimalDiv))),
		cel.Function("round",
			cel.MemberOverload("decimal_round", []*cel.Type{D, I}, D, binary(func(a, p ref.Val) ref.Val {
				return roundWith(a, p, exact.Dec.Round)
			}))),
		cel.Function("round_even",
			cel.MemberOverload("decimal_round_even", []*cel.Type{D, I}, D, binary(func(a, p ref.Val) ref.Val {
				return roundWith(a, p, exact.Dec.RoundBank)
			}))),
		cel.Function("max", cel.Overload("max_decimal", []*cel.Type{D, D}, D, binary(func(a, b ref.Val) ref.Val {
			return extremumOf(true, a, b)
		}))),
		cel.Function("min", cel.Overload("min_decimal", []*cel.Type{D, D}, D, binary(func(a, b ref.Val) ref.Val {
			return extremumOf(false, a, b)
		}))),
		cel.Function("str", cel.MemberOverload("decimal_str", []*cel.Type{D}, S, cel.UnaryBinding(func(v ref.Val) ref.Val {
			return types.String(v.(celDecimal).d.String())
		}))),
	}
	opts = append(opts, helpers...)
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, fmt.Errorf("markets: building the CEL environment: %w", err)
	}
	progOpts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	if costLimit > 0 {
		progOpts = append(progOpts, cel.CostLimit(costLimit))
	}
	return &Environment{env: env, provider: provider, functions: functions, byOverload: byOverload,
		progOpts: progOpts, lookupCosts: cel.CostTrackerOptions(lookupCosts...), costLimit: costLimit}, nil
}

// overloadID is the id of the overload of the helper named name.
func overloadID(name string) string { return "ctx_" + name }

// checkDocumentType accepts, as the argument of has_document, only a string
// literal naming a known document type, so a misspelt type is a load error
// rather than a rule that always fires.
func checkDocumentType(eh parser.ExprHelper, arg ast.Expr) *common.Error {
	names := make([]string, len(iorules.DocumentTypes()))
	for i, t := range iorules.DocumentTypes() {
		names[i] = string(t)
	}
	if arg.Kind() != ast.LiteralKind {
		return eh.NewError(arg.ID(), "has_document: the document type must be a string literal")
	}
	t, ok := arg.AsLiteral().Value().(string)
	switch {
	case !ok:
		return eh.NewError(arg.ID(), "has_document: the document type must be a string literal")
	case !iorules.DocumentType(t).IsValid():
		return eh.NewError(arg.ID(), fmt.Sprintf("has_document: unknown document type %q (want one of %s)", t, strings.Join(names, ", ")))
	}
	return nil
}

// ctxCall adapts a helper on *evalCtx to a CEL function binding whose first
// argument is the hidden context value.
func ctxCall(fn func(*evalCtx, []ref.Val) ref.Val) func(...ref.Val) ref.Val {
	return func(args ...ref.Val) ref.Val {
		c, ok := args[0].(ctxVal)
		if !ok || c.c == nil {
			return types.NewErr("helper called outside an evaluation")
		}
		return fn(c.c, args[1:])
	}
}

func decimalFromString(v ref.Val) ref.Val {
	s, ok := v.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(v)
	}
	d, err := parsePlainDecimal(string(s))
	if err != nil {
		return types.WrapErr(err)
	}
	return newDec(d)
}

func decimalDiv(args ...ref.Val) ref.Val {
	a, ok1 := asDecimal(args[0])
	b, ok2 := asDecimal(args[1])
	if !ok1 || !ok2 {
		return types.NewErr("div needs decimal operands")
	}
	p, ok := args[2].(types.Int)
	if !ok {
		return types.MaybeNoSuchOverloadErr(args[2])
	}
	return decimalResult(divide(a, b, int64(p)))
}

func roundWith(a, p ref.Val, fn func(exact.Dec, int32) exact.Dec) ref.Val {
	d, ok := asDecimal(a)
	if !ok {
		return types.MaybeNoSuchOverloadErr(a)
	}
	places, ok := p.(types.Int)
	if !ok {
		return types.MaybeNoSuchOverloadErr(p)
	}
	return decimalResult(roundPlaces(d, int64(places), fn))
}

// extremumOf is max (isMax) or min of two CEL decimals, one of them as it
// is.
func extremumOf(isMax bool, a, b ref.Val) ref.Val {
	x, ok1 := asDecimal(a)
	y, ok2 := asDecimal(b)
	if !ok1 || !ok2 {
		return types.NewErr("max and min need decimal operands")
	}
	if firstWins(isMax, x, y) {
		return a
	}
	return b
}

// decimalResult is d as a CEL value, or err.
func decimalResult(d exact.Dec, err *types.Err) ref.Val {
	if err != nil {
		return err
	}
	return newDec(d)
}

// ctxVal is the CEL value of the hidden context variable.
type ctxVal struct{ c *evalCtx }

func (v ctxVal) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("the evaluation context has no native form")
}
func (v ctxVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return contextType
	}
	return types.NewErr("the evaluation context cannot be converted")
}
func (v ctxVal) Equal(ref.Val) ref.Val { return types.False }
func (v ctxVal) Type() ref.Type        { return contextType }
func (v ctxVal) Value() any            { return v.c }

// evalCtx is the per-evaluation state the helpers read.
type evalCtx struct {
	date iorules.Date
	item *iorules.Item
	// groupLines are the lines of the declaration group a group-scope
	// tax is computed for; nil otherwise.
	groupLines []int
	importer   *iorules.Party
	// documents are the documents the shipment lists as in hand.
	documents []iorules.Document
	tables    map[string]*Table
	rec       *recorder
}

// hasDocument reports whether the shipment lists a document of type t
// that covers what is being evaluated: any such document for a
// shipment-scope expression; for a line, or for a declaration group, one
// that lists no lines (it covers the shipment) or lists each of them.
func (c *evalCtx) hasDocument(t iorules.DocumentType) ref.Val {
	lines := c.groupLines
	if lines == nil && c.item != nil {
		lines = []int{c.item.Line}
	}
	return types.Bool(slices.ContainsFunc(c.documents, func(d iorules.Document) bool {
		if d.Type != t || len(d.Lines) == 0 || lines == nil {
			return d.Type == t
		}
		for _, l := range lines {
			if !slices.Contains(d.Lines, l) {
				return false
			}
		}
		return true
	}))
}

func (c *evalCtx) held(id string) ref.Val {
	if c.item == nil {
		return types.NewErr("held(%q) needs an item: use it in an item-scope rule", id)
	}
	status, _ := approvals.LineStatus(*c.item, id, c.date)
	return types.Bool(status == approvals.StatusHeld)
}

func (c *evalCtx) registration(scheme string) (iorules.Registration, bool) {
	if c.importer == nil {
		return iorules.Registration{}, false
	}
	for _, r := range c.importer.Registrations {
		if r.Scheme == scheme && (r.ValidUntil.IsZero() || !r.ValidUntil.Before(c.date)) {
			return r, true
		}
	}
	return iorules.Registration{}, false
}

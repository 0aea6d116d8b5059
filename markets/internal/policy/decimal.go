package policy

import (
	"fmt"
	"reflect"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/iorules/iorules/internal/exact"
	"github.com/shopspring/decimal"
)

// decimalType is the CEL type of exact decimals. It supports + - * unary -
// and ordering through the value's traits; division and rounding are named
// functions with explicit places, so no precision is ever implied.
var decimalType = types.NewOpaqueType("decimal").WithTraits(
	traits.AdderType | traits.SubtractorType | traits.MultiplierType |
		traits.NegatorType | traits.ComparerType)

var decimalReflectType = reflect.TypeFor[decimal.Decimal]()

// celDecimal carries an exact decimal through CEL evaluation. The value is
// an exact.Dec, which computes on machine words while the numbers fit and
// gives the same results as decimal.Decimal; policies and callers only
// ever see decimal.Decimal.
type celDecimal struct{ d exact.Dec }

func newDec(d exact.Dec) ref.Val { return celDecimal{d: d} }

// decimalVal is newDec for a decimal.Decimal.
func decimalVal(d decimal.Decimal) ref.Val { return celDecimal{d: exact.FromDecimal(d)} }

// asDecimal unwraps a CEL value that must be a decimal.
func asDecimal(v ref.Val) (exact.Dec, bool) {
	d, ok := v.(celDecimal)
	return d.d, ok
}

func (c celDecimal) ConvertToNative(typeDesc reflect.Type) (any, error) {
	switch typeDesc {
	case decimalReflectType:
		return c.d.Decimal(), nil
	case reflect.TypeFor[string]():
		return c.d.String(), nil
	}
	return nil, fmt.Errorf("decimal cannot convert to %v", typeDesc)
}

func (c celDecimal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case decimalType:
		return c
	case types.StringType:
		return types.String(c.d.String())
	case types.TypeType:
		return decimalType
	}
	return types.NewErr("type conversion error from decimal to %s", t.TypeName())
}

func (c celDecimal) Equal(other ref.Val) ref.Val {
	o, ok := other.(celDecimal)
	if !ok {
		return types.False
	}
	return types.Bool(c.d.Equal(o.d))
}

func (c celDecimal) Type() ref.Type { return decimalType }
func (c celDecimal) Value() any     { return c.d.Decimal() }

func (c celDecimal) Add(other ref.Val) ref.Val {
	o, ok := other.(celDecimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	return celDecimal{d: c.d.Add(o.d)}
}

func (c celDecimal) Subtract(other ref.Val) ref.Val {
	o, ok := other.(celDecimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	return celDecimal{d: c.d.Sub(o.d)}
}

func (c celDecimal) Multiply(other ref.Val) ref.Val {
	o, ok := other.(celDecimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	return celDecimal{d: c.d.Mul(o.d)}
}

func (c celDecimal) Negate() ref.Val { return celDecimal{d: c.d.Neg()} }

func (c celDecimal) Compare(other ref.Val) ref.Val {
	o, ok := other.(celDecimal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	return types.Int(c.d.Cmp(o.d))
}

// maxPlaces bounds the places argument of div and round so a policy cannot
// ask for a gigantic expansion.
const maxPlaces = 18

// checkPlaces checks the places argument of div and round.
func checkPlaces(p int64) (int32, *types.Err) {
	if p < 0 || p > maxPlaces {
		return 0, types.NewErr("places must be between 0 and %d, got %d", maxPlaces, p).(*types.Err)
	}
	return int32(p), nil
}

// divide is div(a, b, places): a / b rounded half away from zero to
// places, never by zero. The interpreter's binding and the lowered
// closures both call it.
func divide(a, b exact.Dec, p int64) (exact.Dec, *types.Err) {
	places, err := checkPlaces(p)
	if err != nil {
		return exact.Dec{}, err
	}
	if b.IsZero() {
		return exact.Dec{}, types.NewErr("division by zero").(*types.Err)
	}
	return a.DivRound(b, places), nil
}

// roundPlaces is round(d, places) or round_even(d, places), by fn.
func roundPlaces(d exact.Dec, p int64, fn func(exact.Dec, int32) exact.Dec) (exact.Dec, *types.Err) {
	places, err := checkPlaces(p)
	if err != nil {
		return exact.Dec{}, err
	}
	return fn(d, places), nil
}

// firstWins reports whether max(x, y) (isMax) or min(x, y) is x: on a
// tie, x is.
func firstWins(isMax bool, x, y exact.Dec) bool {
	c := x.Cmp(y)
	return c == 0 || (c > 0) == isMax
}

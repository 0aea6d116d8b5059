package policy

import (
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/iorules/iorules/internal/exact"
)

// missingFact is the error an expression gets when it reads a value that
// was not given or could not be computed (an item's TPP the line does not
// state, money of a shipment that could not be valued). The engine turns
// it into a fact_missing condition that names the rule and what to supply,
// never into a default such as 0 or 1.
type missingFact struct {
	// fact is what was read, as the policy names it (line.customs_value).
	fact string
	// why says why it is not known.
	why string
	// supply says what the caller can give to make it known.
	supply string
}

func (m *missingFact) Error() string {
	return m.fact + " is not known: " + m.why
}

// unknown returns the CEL error value for a read of a missing fact.
func unknown(fact, why, supply string) ref.Val {
	return types.WrapErr(&missingFact{fact: fact, why: why, supply: supply})
}

// unvalued says why the money values of a shipment are not known and what
// would make them known; nil when the shipment was valued.
type unvalued struct {
	why, supply string
}

// money returns a money value, or the missing fact (its CEL error value)
// when the shipment could not be valued.
func money(u *unvalued, fact string, d exact.Dec) (exact.Dec, ref.Val) {
	if u != nil {
		return exact.Dec{}, unknown(fact, u.why, u.supply)
	}
	return d, nil
}

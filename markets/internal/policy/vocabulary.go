package policy

import (
	"reflect"
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/valuation"
)

// Vocabulary lists the names of the policy language, taken from the
// declarations themselves, for its reference to be checked against.
type Vocabulary struct {
	// Variables are the CEL variables a policy may read.
	Variables []string
	// Fields are the fields of each CEL record type, by type name.
	Fields map[string][]string
	// Functions are the functions the environment adds to standard CEL
	// and its string extension.
	Functions []string
	// Keys are the keys of the policy file's YAML, at every level.
	Keys []string
	// Values are the words the YAML takes as values: rule kinds, scopes,
	// table match modes, rounding modes, approval stages, confidences,
	// valuation bases and group_by fields.
	Values []string
}

// Vocabulary returns the names e declares.
func (e *Environment) Vocabulary() (Vocabulary, error) {
	var v Vocabulary
	for _, d := range e.env.Variables() {
		if d.Name() != ctxVar {
			v.Variables = append(v.Variables, d.Name())
		}
	}
	base, err := cel.NewEnv(ext.Strings())
	if err != nil {
		return Vocabulary{}, err
	}
	for name := range e.env.Functions() {
		if !base.HasFunction(name) {
			v.Functions = append(v.Functions, name)
		}
	}
	v.Fields = map[string][]string{}
	for name, ot := range e.provider.byName {
		v.Fields[name] = slices.Clone(ot.names)
	}
	for _, t := range []reflect.Type{
		reflect.TypeFor[policyFile](), reflect.TypeFor[valuationSpec](), reflect.TypeFor[declarationSpec](),
		reflect.TypeFor[tableSpec](), reflect.TypeFor[entrySpec](), reflect.TypeFor[ruleSpec](),
		reflect.TypeFor[approvalSpec](), reflect.TypeFor[taxSpec](), reflect.TypeFor[subdivisionSpec](),
	} {
		for i := range t.NumField() {
			key, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			v.Keys = append(v.Keys, key)
		}
	}
	v.Values = []string{KindApproval, KindDecline, KindCondition, KindInfo, KindImporter,
		ScopeItem, ScopeShipment, ScopeGroup, ScopeDeclaration,
		MatchExact, MatchHSPrefix, MatchTiers, "half_up", "half_even",
		string(approvals.BeforeShipment), string(approvals.BeforeClearance), string(approvals.AfterClearance),
		"confirmed", "unconfirmed", string(valuation.CIF), string(valuation.FOB)}
	v.Values = append(v.Values, groupFields...)
	for _, s := range []*[]string{&v.Variables, &v.Functions, &v.Keys, &v.Values} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return v, nil
}

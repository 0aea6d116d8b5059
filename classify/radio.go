package classify

import (
	"fmt"
	"strings"

	"github.com/iorules/iorules"
)

// radioFit checks a line's radio list against its category and the HS-6
// subheading of its code: goods of a radio category or subheading must list
// a radio technology, and goods of a category or subheading that carries no
// radio must list none. It returns the condition for a contradiction, and
// false when there is none.
func (t *table) radioFit(it *iorules.Item) (iorules.Reason, bool) {
	hasRadio := len(it.Radio) > 0
	contradicts := radioRequired // what the line contradicts: goods with a radio
	if hasRadio {
		contradicts = radioNone // or goods without one
	}

	var clauses, why, sources []string
	if cat, ok := t.categories[it.Category]; ok && cat.radio == contradicts {
		if contradicts == radioRequired {
			clauses = append(clauses, fmt.Sprintf("its category %s names radio equipment", it.Category))
		} else {
			clauses = append(clauses, fmt.Sprintf("its category %s names goods without a radio", it.Category))
		}
		why = append(why, cat.radioReason)
		sources = append(sources, fmt.Sprintf("Category %s (classify fit table, data/nomenclature.yaml)", it.Category))
	}
	if code, ok := normalise(it.HSCode); ok {
		if sub, ok := t.subs[code.HS6()]; ok && sub.Radio == contradicts {
			d6 := dotted(sub.HS6)
			if contradicts == radioRequired {
				clauses = append(clauses, fmt.Sprintf("its HS code falls in %s (%s), whose goods transmit by radio", d6, lowerFirst(sub.Description)))
			} else {
				clauses = append(clauses, fmt.Sprintf("its HS code falls in %s (%s), whose goods carry no radio", d6, lowerFirst(sub.Description)))
			}
			sources = append(sources, "HS 2022 subheading "+d6)
		}
	}
	if len(clauses) == 0 {
		return iorules.Reason{}, false
	}

	r := iorules.Reason{
		Code:     codeRadio,
		Severity: iorules.SeverityCondition,
		Lines:    []int{it.Line},
		Rule:     ruleRadioFit,
		Source:   strings.Join(sources, "; "),
	}
	if hasRadio {
		radios := make([]string, len(it.Radio))
		for i, x := range it.Radio {
			radios[i] = string(x)
		}
		r.Message = fmt.Sprintf("Line %d lists the radio technologies %s, but %s.", it.Line, strings.Join(radios, ", "), strings.Join(clauses, " and "))
		r.Unblock = "Correct the category and HS code if the goods contain a radio (the radio list decides which radio approvals apply), " +
			"or remove from radio the technologies the goods do not contain."
	} else {
		r.Message = fmt.Sprintf("Line %d lists no radio technology, but %s.", it.Line, strings.Join(clauses, " and "))
		r.Unblock = "List in radio the radio technologies the goods contain (for example wifi or cellular): the radio list decides which " +
			"radio approvals apply. If the goods have no radio, correct the category and HS code."
	}
	for _, w := range why {
		r.Message += " " + w
	}
	r.Message += " The category, the HS code and the radio list must agree."
	return r, true
}

package iorules

// Severity says how a Reason affects the verdict of a decision.
type Severity string

// The severities, from the most to the least blocking.
const (
	// SeverityDecline blocks the shipment: the importer of record cannot
	// clear it as it stands.
	SeverityDecline Severity = "decline"
	// SeverityCondition means the shipment is clearable once what the
	// reason names (an approval, a licence, a missing fact) is in hand.
	SeverityCondition Severity = "condition"
	// SeverityInfo records something worth knowing that does not hold the
	// cargo, such as a rate whose source could not be confirmed.
	SeverityInfo Severity = "info"
)

// Rank orders severities: decline 3, condition 2, info 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityDecline:
		return 3
	case SeverityCondition:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Reason is one machine-readable finding about a shipment: what was found,
// how much it matters, which lines it concerns, the rule and legal source
// behind it, and what would unblock it.
type Reason struct {
	// Code is a stable, machine-readable identifier such as
	// "approval_missing" or "export_licence_required".
	Code string `json:"code"`
	// Severity is decline, condition or info.
	Severity Severity `json:"severity"`
	// Message explains the finding to a person.
	Message string `json:"message"`
	// Lines lists the item line numbers concerned; empty means the whole
	// shipment.
	Lines []int `json:"lines,omitempty"`
	// Rule is the id of the rule or check that produced the reason.
	Rule string `json:"rule,omitempty"`
	// Source is the legal or documentary source of the rule.
	Source string `json:"source,omitempty"`
	// Unblock says what would lift the reason (an approval, a licence, a
	// registration, a fact to supply). Empty for info reasons.
	Unblock string `json:"unblock,omitempty"`
	// Missing, for a fact_missing reason that a table lookup raised, is the
	// row the lookup did not find: a caller may supply it (a broker's
	// confirmed rate, a binding ruling) as a cited row of its own. Nil
	// otherwise, and when the declared code is too short to pick a row
	// (the table splits it: the full national line is what is missing).
	Missing *MissingRow `json:"missing,omitempty"`
}

// MissingRow is a table row a market policy needed and did not have: which
// table, under which key, in force on which day.
type MissingRow struct {
	// Table is the policy table's name ("duty_rate").
	Table string `json:"table"`
	// Key is the lookup key: the HS digits of the line ("850440") or the
	// table's own key ("standard").
	Key string `json:"key"`
	// Date is the day the row must be in force on (the shipment date).
	Date Date `json:"date"`
}

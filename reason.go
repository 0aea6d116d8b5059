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
}

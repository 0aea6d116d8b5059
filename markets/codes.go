package markets

// Reason codes the engine itself gives. Policies give their own codes
// (ior_not_local, approval codes, market rules); exportctl exports the
// export-control codes and valuation its own. A code is a stable,
// machine-readable name: callers may switch on these.
const (
	// CodeFactMissing: an expression read a fact that was not given or
	// could not be computed (a table row, an item's TPP, money of a
	// shipment that could not be valued); the reason names the rule and
	// what to supply. A condition.
	CodeFactMissing = "fact_missing"
	// CodeRuleError: an expression failed for another reason; a rule that
	// does not evaluate never lets a shipment clear. A decline.
	CodeRuleError = "rule_error"
	// CodePolicyOutOfWindow: the shipment date is outside the policy's
	// window. A condition.
	CodePolicyOutOfWindow = "policy_out_of_window"
	// CodeExchangeRateMissing: the customs value could not be computed for
	// want of an exchange rate. A condition.
	CodeExchangeRateMissing = "exchange_rate_missing"
	// CodeApprovalMissing and CodeApprovalExpired: a required approval is
	// not held, or held but expired on the shipment date.
	CodeApprovalMissing = "approval_missing"
	CodeApprovalExpired = "approval_expired"
	// CodeLeadTimeUnknown: the earliest ship date cannot be given. Info.
	CodeLeadTimeUnknown = "lead_time_unknown"
	// CodeUnconfirmedRule and CodeUnconfirmedRate: a figure rests on a
	// rule or table row the policy marks unconfirmed. Info.
	CodeUnconfirmedRule = "unconfirmed_rule"
	CodeUnconfirmedRate = "unconfirmed_rate"
	// CodeCallerRate: a figure rests on a table row the caller supplied
	// (WithTables), cited in the reason. Info.
	CodeCallerRate = "caller_rate"
	// CodeItemModelMissing and CodeApprovalModelNotCovered: a held
	// certificate names models and the line states none, or another one.
	CodeItemModelMissing        = "item_model_missing"
	CodeApprovalModelNotCovered = "approval_model_not_covered"
	// CodeUnknownID: the shipment names an approval or registration id the
	// market's policy does not know; the message gives the closest known
	// id. Info: the id is treated as absent.
	CodeUnknownID = "unknown_id"
)

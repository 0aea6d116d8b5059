// Package policy is the policy language of the markets package: it
// compiles a market's YAML policy and its CEL expressions against one CEL
// environment (the model of the shipment, the helper functions, tables and
// the tax map), and evaluates its rules and taxes on a shipment (Run),
// reporting what it finds to a Sink that assembles the decision.
//
// It is not the decision: verdicts, approvals, the valuation, the audit
// record and the explanation's wording belong to package markets, and no
// cel-go type leaves this package.
package policy

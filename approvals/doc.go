// Package approvals models regulatory approvals (type approvals, conformity
// certificates, import permits): the scheme that issues them, whether they
// must exist before shipment or before clearance, their lead time, and
// whether the shipment already holds them on its date. It merges the
// requirements market policies raise into one list per approval and derives
// the earliest date the cargo can move.
//
// It does not decide which approvals a market requires; market policies do.
package approvals

// Package iorules is the vocabulary of import pre-qualification: a typed
// shipment of IT and data-center hardware (parties, incoterm, charges,
// exchange rates, line items), the small value types it is built from
// (Country, Currency, Incoterm, HSCode, ...), strict JSON decoding with
// field-level validation errors, and the Reason type every check reports.
//
// The package is a leaf: it imports none of the capability packages
// (classify, approvals, valuation, exportctl, markets). It performs no I/O;
// callers hand it the bytes they read.
//
// Money is always decimal.Decimal; in JSON it is a string, and a JSON number
// where money is expected is an input error.
package iorules

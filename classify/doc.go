// Package classify checks the HS code declared on each line of a shipment:
// that the code exists in the HS 2022 nomenclature subset that IT and
// data-center hardware falls in, that it has the length and form of the
// destination's national tariff, and that it fits the product's category.
//
// It is a pre-qualification check, not a classifier: it never picks a code
// for the caller. Suggest lists candidate subheadings with the reasons they
// fit, for CLIs and policy authors. It holds no duty rates; markets do.
package classify

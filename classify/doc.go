// Package classify checks the HS code declared on each line of a shipment:
// that its HS-6 part exists in HS 2022, that it has the length of the
// destination's national tariff line (a bare HS-6 code is accepted
// everywhere, with a note that the national line must be confirmed), and
// that it fits the product's category.
//
// It is a pre-qualification check, not a classifier: it never picks a code
// for the caller. Suggest lists candidate subheadings with the reasons they
// fit, for CLIs and policy authors. It holds no duty rates; markets do.
//
// The data is embedded: an HS 2022 subset for IT and data-center hardware
// with descriptions in our own words and the category fit table
// (data/nomenclature.yaml), the national code formats per market
// (data/formats.yaml), and the bare list of every HS 2022 subheading of
// chapters 84, 85, 90 and 94 (data/hs2022_codes.txt).
//
// CheckShipment reports these reason codes: hs_invalid, hs_mismatch and
// hs_fit_not_judged (condition, one per line: the code is malformed or does
// not exist, does not fit the category, or the category, such as other,
// gives no basis to check it), radio_contradiction (condition, one per line:
// the radio list contradicts the category or the HS code),
// hs_edition_outside_window (condition), and hs_fit_unconfirmed,
// hs_national_line_unconfirmed and hs_national_format_unknown (info). Their
// rules are classify.national_format, classify.nomenclature,
// classify.category_fit and classify.radio_fit.
package classify

// Package exportctl screens a shipment against export controls at its
// origin: ECCN parsing, country groups, licence determination per line under
// the US EAR (with the EU and UK dual-use regimes for European origins, and
// the EAR overlay for US content), embargoed destinations and parties
// (exporter, importer of record and end user, where established and where
// headquartered), measures on goods by their origin (the country of origin
// of each line and the country shipped from: UNSCR 2397 for DPRK goods, the
// US import bans, the EU's Russian and Belarusian import bans), the
// Common High Priority List, restricted-party screening against a list the
// caller supplies, and the TPP thresholds of advanced-computing items
// (computing a chip's TPP from its datasheet is package exportctl/tpp).
//
// Screen is the entry point. Every determination cites its legal source;
// the rules, country groups, embargoes and the CHPL are effective-dated data
// embedded from data/*.yaml and read as of the shipment date. A rule whose
// status is not in force (the AI Diffusion rule: not_enforced) is kept as
// data and never applied. What the package cannot decide from the facts
// given (an accelerator's ECCN or TPP, whether a foreign-made item is
// subject to the EAR through de minimis or a foreign direct product rule, who
// owns the end user and the importer while the BIS Affiliates rule is in
// force, unless the shipment states it) is a condition asking for the fact,
// never a guess. Stated owners are screened against the caller's list like
// the parties, and listed owners' shares are added up. Names are compared
// after Unicode normalisation, look-alike folding and transliteration
// (data/names.yaml), with and without separators; each match names the rule
// and the normalisations that produced its score.
//
// It performs no I/O and embeds no party list. It does not replace the
// exporter's own licence determination; it flags what must be settled
// before the cargo moves.
package exportctl

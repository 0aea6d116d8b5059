// Package exportctl screens a shipment against export controls at its
// origin: ECCN parsing, country groups, licence determination per line under
// the US EAR (with the EU and UK dual-use regimes for European origins),
// embargoed destinations and parties, the Common High Priority List, and
// restricted-party screening against a list the caller supplies.
//
// It performs no network look-ups and embeds no party list. It does not
// replace a licence determination by the exporter; it flags what must be
// settled before the cargo moves.
package exportctl

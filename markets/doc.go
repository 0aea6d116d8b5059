// Package markets evaluates a shipment against a destination market's
// policy and assembles the Decision: verdict, reasons, approvals, HS
// classification, export-control findings, customs value and taxes.
//
// Market policies are YAML files with CEL expressions, one per market,
// embedded in the package; callers may load their own from any fs.FS.
//
// Engine.Prequalify decides one shipment for its destination.
// Engine.Rollout offers one shipment to several markets at once, each with
// its own importer of record and exchange rates, and says which markets can
// move together; DecodeRollout reads its JSON form.
package markets

// Package markets evaluates a shipment against a destination market's
// policy and assembles the Decision: verdict, reasons, approvals, HS
// classification, export-control findings, customs value and taxes.
//
// Market policies are YAML files with CEL expressions, one per market,
// embedded in the package; callers may load their own from any fs.FS.
package markets

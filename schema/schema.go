// Package schema holds the JSON Schemas (draft 2020-12) of the iorules JSON
// contract: the shipment iorules.DecodeShipment reads, the rollout
// markets.DecodeRollout reads, and the decision markets.Decision writes.
//
// Editors and programs in other languages can validate a document with them
// before calling a service built on the library. The schemas check the form
// of a document (required fields, enums, decimal strings, lengths); checks
// that need data, such as whether a country code is assigned or whether an
// exchange rate is given for every currency used, remain the decoder's.
// The package does no I/O; it only embeds the files.
package schema

import (
	"embed"
	"io/fs"
)

// The schema files, by name. Each file's $id is
// https://github.com/iorules/iorules/schema/<name>, and the rollout schema
// refers to the shipment schema's definitions by that relative name.
const (
	Shipment = "shipment.json"
	Rollout  = "rollout.json"
	Decision = "decision.json"
)

// BaseURI is the URI the schemas' $id values are relative to.
const BaseURI = "https://github.com/iorules/iorules/schema/"

//go:embed shipment.json rollout.json decision.json
var files embed.FS

// FS returns the schema files, one at the root per name above.
func FS() fs.FS { return files }

// Names lists the schema files, in the order above.
func Names() []string { return []string{Shipment, Rollout, Decision} }

// File returns the bytes of the named schema file.
func File(name string) ([]byte, error) { return files.ReadFile(name) }

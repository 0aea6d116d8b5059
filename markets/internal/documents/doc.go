// Package documents reviews a shipment the way an importer of record reads
// its paperwork before accepting it, whatever the destination: a declaration
// of conformity dated after the shipment, a document whose models do not
// match the lines it covers, a line description too vague to classify, and
// accessories, PDUs and cables travelling with servers that need their own
// review.
//
// It does not decide which documents a market requires (market policies do,
// with has_document), nor whether a held approval covers a line's model
// (approvals.Covers). Its word lists and categories are embedded data
// (data/review.yaml) with the practice each encodes.
//
// Review reports these reason codes: conformity_declaration_after_shipment,
// document_model_mismatch and description_too_vague (condition), and
// document_date_missing and accessory_review (info). Their rules are
// documents.conformity_date, documents.models, documents.description and
// documents.accessories.
package documents

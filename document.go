package iorules

import "slices"

// DocumentType is the kind of a trade document the shipment lists as in
// hand.
type DocumentType string

// The document types.
const (
	// DocumentCommercialInvoice is the seller's invoice: parties, origin,
	// price and the line values the declaration is filed from.
	DocumentCommercialInvoice DocumentType = "commercial_invoice"
	// DocumentPackingList lists packages, weights, models and serial counts.
	DocumentPackingList DocumentType = "packing_list"
	// DocumentSpecification is a product's technical specification or data
	// sheet (power ratings, radio modules, encryption).
	DocumentSpecification DocumentType = "specification"
	// DocumentDeclarationOfConformity is the manufacturer's declaration that
	// the models it names meet the standards it lists; its date matters.
	DocumentDeclarationOfConformity DocumentType = "declaration_of_conformity"
	// DocumentCertificate is a certificate issued by a third party (a test
	// or product certificate) for the models it names.
	DocumentCertificate DocumentType = "certificate"
	// DocumentEndUserCertificate is the end user's signed statement of who
	// uses the goods, for what, and that they will not be re-exported.
	DocumentEndUserCertificate DocumentType = "end_user_certificate"
	// DocumentAirwayBill is the air carrier's transport document.
	DocumentAirwayBill DocumentType = "airway_bill"
	// DocumentBillOfLading is the ocean carrier's transport document.
	DocumentBillOfLading DocumentType = "bill_of_lading"
	// DocumentCertificateOfOrigin certifies the country of origin, for
	// preferential or non-preferential rules.
	DocumentCertificateOfOrigin DocumentType = "certificate_of_origin"
)

// documentTypes is every valid DocumentType.
var documentTypes = []DocumentType{
	DocumentCommercialInvoice, DocumentPackingList, DocumentSpecification, DocumentDeclarationOfConformity,
	DocumentCertificate, DocumentEndUserCertificate, DocumentAirwayBill, DocumentBillOfLading,
	DocumentCertificateOfOrigin,
}

// DocumentTypes returns every valid DocumentType, in a new slice the caller
// may change.
func DocumentTypes() []DocumentType { return slices.Clone(documentTypes) }

// IsValid reports whether t is a known document type.
func (t DocumentType) IsValid() bool { return slices.Contains(documentTypes, t) }

// Document is one trade document in hand for the shipment.
type Document struct {
	// Type is the kind of document.
	Type DocumentType `json:"type"`
	// Reference is the document's number.
	Reference string `json:"reference,omitempty"`
	// Date is the date the document was issued; zero means not stated.
	Date Date `json:"date,omitzero"`
	// Models lists the model designations the document names (a declaration
	// of conformity, a certificate); empty means not stated.
	Models []string `json:"models,omitempty"`
	// Lines lists the item lines the document covers; empty means the whole
	// shipment or not stated.
	Lines []int `json:"lines,omitempty"`
}

package documents_test

import (
	"fmt"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets/internal/documents"
	"github.com/shopspring/decimal"
)

// ExampleReview reviews a shipment whose declaration of conformity was
// issued after the planned importation and whose second line is described
// only by its SKU.
func ExampleReview() {
	s := iorules.Shipment{
		ID: "S-1", Date: iorules.MustParseDate("2026-11-25"),
		Items: []iorules.Item{
			{Line: 1, SKU: "NW-R1U-G5", Description: "1U rack server, 2 CPUs, 512 GB RAM", Category: iorules.CategoryServer,
				Quantity: 4, UnitValue: decimal.RequireFromString("9700.00")},
			{Line: 2, SKU: "PDU-32A", Description: "PDU-32A", Category: iorules.CategoryPDU,
				Quantity: 4, UnitValue: decimal.RequireFromString("400.00")},
		},
		Documents: []iorules.Document{
			{Type: iorules.DocumentCommercialInvoice, Reference: "INV-1"},
			{Type: iorules.DocumentDeclarationOfConformity, Reference: "DOC-7", Date: iorules.MustParseDate("2026-12-01")},
		},
	}
	for _, r := range documents.Review(s) {
		fmt.Println(r.Severity, r.Code, r.Lines)
	}
	// Output:
	// condition conformity_declaration_after_shipment []
	// condition description_too_vague [2]
	// info accessory_review [2]
}

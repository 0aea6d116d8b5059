package approvals_test

import (
	"fmt"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
)

// ExampleMerge merges the requirements a policy raised per line into one
// entry per approval and status, and derives the earliest ship date.
func ExampleMerge() {
	s := iorules.Shipment{
		Date: iorules.MustParseDate("2026-11-25"),
		Items: []iorules.Item{
			{Line: 1, ApprovalsHeld: []iorules.HeldApproval{{ID: "sa.cst", Reference: "CST-77"}}},
			{Line: 2},
		},
	}
	lead := 21
	var reqs []approvals.Requirement
	for _, line := range []int{1, 2} {
		reqs = append(reqs, approvals.Requirement{
			ID: "sa.cst", Authority: "CST", Title: "Type approval", Stage: approvals.BeforeShipment,
			LeadTimeDays: &lead, Line: line,
		})
	}
	merged := approvals.Merge(s, reqs)
	for _, a := range merged {
		fmt.Println(a.ID, a.Status, a.Lines, a.References)
	}
	date, _ := approvals.EarliestShipDate(s.Date, merged)
	fmt.Println("earliest ship date:", date)
	// Output:
	// sa.cst required [2] []
	// sa.cst held [1] [CST-77]
	// earliest ship date: 2026-12-16
}

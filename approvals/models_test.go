package approvals_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/stretchr/testify/require"
)

func TestCovers(t *testing.T) {
	tests := []struct {
		name   string
		models []string
		model  string
		want   bool
	}{
		{"certificate names the model", []string{"S4825", "S32100"}, "S32100", true},
		{"case and spaces do not matter", []string{" s4825 "}, "S4825", true},
		{"certificate names other models", []string{"S4825"}, "S4850", false},
		{"certificate names no models", nil, "S4850", true},
		// Issue 16 B11: a certificate that names models does not cover a
		// line that states none.
		{"line states no model", []string{"S4825"}, "", false},
		{"line model is blank", []string{"S4825"}, "  ", false},
		{"no models on either side", nil, "", true},
		{"an empty model name on the certificate is not a match", []string{""}, "", false},
		{"a prefix is not the model", []string{"S48"}, "S4825", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := iorules.HeldApproval{ID: "br.anatel", Reference: "R-1", Models: tt.models}
			require.Equal(t, tt.want, approvals.Covers(h, tt.model))
		})
	}
}

func TestLineStatusModels(t *testing.T) {
	date := iorules.MustParseDate("2026-11-25")
	tests := []struct {
		name    string
		model   string
		held    []iorules.HeldApproval
		status  approvals.Status
		wantRef string
	}{
		{"nothing held", "S4825", nil, approvals.StatusRequired, ""},
		{"held for the model", "S4825",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", Models: []string{"S4825"}}}, approvals.StatusHeld, "A-1"},
		{"held for another model is not held", "S4850",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", Models: []string{"S4825"}}}, approvals.StatusRequired, ""},
		{"expired for another model is not expired either", "S4850",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", ValidUntil: date.AddDays(-1), Models: []string{"S4825"}}},
			approvals.StatusRequired, ""},
		{"a second certificate covers the model", "S4850", []iorules.HeldApproval{
			{ID: "br.anatel", Reference: "A-1", Models: []string{"S4825"}},
			{ID: "br.anatel", Reference: "A-2", Models: []string{"S4850"}},
		}, approvals.StatusHeld, "A-2"},
		{"expired for the model", "S4825",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", ValidUntil: date.AddDays(-1), Models: []string{"S4825"}}},
			approvals.StatusExpired, "A-1"},
		{"valid on the last day", "S4825",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", ValidUntil: date}}, approvals.StatusHeld, "A-1"},
		{"another approval id", "S4825",
			[]iorules.HeldApproval{{ID: "br.inmetro", Reference: "I-1"}}, approvals.StatusRequired, ""},
		{"no model on the line: a certificate naming models is not held", "",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", Models: []string{"S4825"}}}, approvals.StatusRequired, ""},
		{"no model on the line: an expired certificate naming models is not expired either", "",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", ValidUntil: date.AddDays(-1), Models: []string{"S4825"}}},
			approvals.StatusRequired, ""},
		{"no model on the line: a certificate naming no models is held", "",
			[]iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1"}}, approvals.StatusHeld, "A-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := iorules.Item{Line: 1, Model: tt.model, ApprovalsHeld: tt.held}
			status, ref := approvals.LineStatus(item, "br.anatel", date)
			require.Equal(t, tt.status, status)
			require.Equal(t, tt.wantRef, ref)
		})
	}
}

func TestMergeTreatsUncoveredModelsAsRequired(t *testing.T) {
	lead := 45
	s := iorules.Shipment{
		Date: iorules.MustParseDate("2026-11-25"),
		Items: []iorules.Item{
			{Line: 1, Model: "S4825", ApprovalsHeld: []iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", Models: []string{"S4825"}}}},
			{Line: 2, Model: "S4850", ApprovalsHeld: []iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", Models: []string{"S4825"}}}},
			{Line: 3, Model: "S32100"},
			{Line: 4, ApprovalsHeld: []iorules.HeldApproval{{ID: "br.anatel", Reference: "A-1", Models: []string{"S4825"}}}},
		},
	}
	req := approvals.Requirement{ID: "br.anatel", Authority: "ANATEL", Title: "Homologação", Stage: approvals.BeforeClearance, LeadTimeDays: &lead, Rule: "br.anatel"}
	var reqs []approvals.Requirement
	for _, line := range []int{4, 3, 2, 1} {
		r := req
		r.Line = line
		reqs = append(reqs, r)
	}
	got := approvals.Merge(s, reqs)
	base := approvals.Approval{ID: "br.anatel", Authority: "ANATEL", Title: "Homologação", Stage: approvals.BeforeClearance,
		LeadTimeDays: &lead, Rule: "br.anatel"}
	required, held := base, base
	required.Status, required.Lines = approvals.StatusRequired, []int{2, 3, 4}
	held.Status, held.Lines, held.References = approvals.StatusHeld, []int{1}, []string{"A-1"}
	require.Empty(t, cmp.Diff([]approvals.Approval{required, held}, got))

	date, ok := approvals.EarliestShipDate(s.Date, got)
	require.True(t, ok)
	require.Equal(t, s.Date.AddDays(45), date, "the uncovered line still waits for the approval")
}

package approvals_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/stretchr/testify/require"
)

func days(n int) *int { return &n }

func shipment() iorules.Shipment {
	return iorules.Shipment{
		Date: iorules.MustParseDate("2026-11-25"),
		Items: []iorules.Item{
			{Line: 1, ApprovalsHeld: []iorules.HeldApproval{{ID: "tr.tareks", Reference: "T-1", ValidUntil: iorules.MustParseDate("2027-01-01")}}},
			{Line: 2, ApprovalsHeld: []iorules.HeldApproval{{ID: "tr.tareks", Reference: "T-0", ValidUntil: iorules.MustParseDate("2026-11-24")}}},
			{Line: 3},
			{Line: 4, ApprovalsHeld: []iorules.HeldApproval{{ID: "tr.tareks", Reference: "T-9"}}},
		},
	}
}

func TestLineStatus(t *testing.T) {
	s := shipment()
	tests := []struct {
		name   string
		item   iorules.Item
		status approvals.Status
		ref    string
	}{
		{"valid on the date", s.Items[0], approvals.StatusHeld, "T-1"},
		{"expired the day before", s.Items[1], approvals.StatusExpired, "T-0"},
		{"not held", s.Items[2], approvals.StatusRequired, ""},
		{"no expiry", s.Items[3], approvals.StatusHeld, "T-9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, ref := approvals.LineStatus(tt.item, "tr.tareks", s.Date)
			require.Equal(t, tt.status, status)
			require.Equal(t, tt.ref, ref)
		})
	}
	status, _ := approvals.LineStatus(s.Items[0], "tr.imei", s.Date)
	require.Equal(t, approvals.StatusRequired, status, "another approval id is not held")
}

func TestMergeSplitsByStatusAndSorts(t *testing.T) {
	s := shipment()
	req := func(id string, line int, lead *int) approvals.Requirement {
		return approvals.Requirement{ID: id, Authority: "TAREKS", Title: "check", Stage: approvals.BeforeClearance, LeadTimeDays: lead, Line: line}
	}
	got := approvals.Merge(s, []approvals.Requirement{
		req("tr.tareks", 4, days(10)), req("tr.tareks", 3, days(10)), req("tr.tareks", 2, days(10)),
		req("tr.tareks", 1, days(10)), req("tr.tareks", 3, days(10)), req("tr.imei", 1, nil),
	})
	type row struct {
		ID     string
		Status approvals.Status
		Lines  []int
		Refs   []string
	}
	var rows []row
	for _, a := range got {
		rows = append(rows, row{a.ID, a.Status, a.Lines, a.References})
	}
	want := []row{
		{"tr.imei", approvals.StatusRequired, []int{1}, nil},
		{"tr.tareks", approvals.StatusRequired, []int{3}, nil},
		{"tr.tareks", approvals.StatusExpired, []int{2}, []string{"T-0"}},
		{"tr.tareks", approvals.StatusHeld, []int{1, 4}, []string{"T-1", "T-9"}},
	}
	require.Empty(t, cmp.Diff(want, rows))
}

// TestMergeConfidence checks that the approval carries the requirement's
// confidence as an iorules.Confidence, written as before in JSON.
func TestMergeConfidence(t *testing.T) {
	got := approvals.Merge(shipment(), []approvals.Requirement{
		{ID: "tr.tareks", Stage: approvals.BeforeClearance, Confidence: "unconfirmed", Line: 3},
		{ID: "tr.imei", Stage: approvals.AfterClearance, Line: 3},
	})
	require.Len(t, got, 2)
	require.Equal(t, iorules.Confidence(""), got[0].Confidence, "tr.imei states none")
	require.Equal(t, iorules.ConfidenceUnconfirmed, got[1].Confidence)
	b, err := json.Marshal(got)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(b), `"confidence":"unconfirmed"`))
	require.NotContains(t, string(b), `"confidence":""`)
}

func TestEarliestShipDate(t *testing.T) {
	asOf := iorules.MustParseDate("2026-11-25")
	a := func(stage approvals.Stage, status approvals.Status, lead *int) approvals.Approval {
		return approvals.Approval{Stage: stage, Status: status, LeadTimeDays: lead}
	}
	tests := []struct {
		name string
		in   []approvals.Approval
		want string // "" when unknown
	}{
		{"nothing blocks", nil, "2026-11-25"},
		{"longest blocking lead time", []approvals.Approval{
			a(approvals.BeforeShipment, approvals.StatusRequired, days(30)),
			a(approvals.BeforeClearance, approvals.StatusExpired, days(45)),
		}, "2027-01-09"},
		{"held and after-clearance approvals do not hold the cargo", []approvals.Approval{
			a(approvals.BeforeShipment, approvals.StatusHeld, days(90)),
			a(approvals.AfterClearance, approvals.StatusRequired, days(60)),
		}, "2026-11-25"},
		{"an unknown blocking lead time makes the date unknown", []approvals.Approval{
			a(approvals.BeforeShipment, approvals.StatusRequired, days(5)),
			a(approvals.BeforeClearance, approvals.StatusRequired, nil),
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := approvals.EarliestShipDate(asOf, tt.in)
			require.Equal(t, tt.want != "", ok)
			if ok {
				require.Equal(t, tt.want, got.String())
			}
		})
	}
}

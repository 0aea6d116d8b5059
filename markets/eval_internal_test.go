package markets

import (
	"testing"

	"github.com/iorules/iorules/approvals"
	"github.com/stretchr/testify/require"
)

func TestApprovalName(t *testing.T) {
	tests := []struct{ authority, title, want string }{
		{"TAREKS", "TAREKS import inspection", "TAREKS import inspection"},
		{"ANATEL", "Certificado de homologação", "ANATEL Certificado de homologação"},
		{"BIS", "BISON certificate", "BIS BISON certificate"},
		{"NTC", "NTC", "NTC"},
		{"", "Type approval", "Type approval"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			require.Equal(t, tt.want, approvalName(approvals.Approval{Authority: tt.authority, Title: tt.title}))
		})
	}
}

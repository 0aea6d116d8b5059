package exportctl

import (
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// TestECCNContradictsEncryption is issue 16 B9: a stated ECCN that the
// line's encryption facts contradict is a condition on that line naming
// the contradiction, never NLR.
func TestECCNContradictsEncryption(t *testing.T) {
	mm := iorules.Encryption{Present: true, MassMarket: true}
	nonMM := iorules.Encryption{Present: true}
	none := iorules.Encryption{}
	cases := []struct {
		name   string
		eccn   string
		enc    iorules.Encryption
		origin iorules.Country
		want   string // "" when the ECCN and the facts agree
		rule   string
	}{
		{"5A992.c not mass market", "5A992.c", nonMM, "US", "not to be mass market", rule5A992},
		{"5A992.c no encryption", "5A992.c", none, "US", "no encryption is present", ruleENC},
		{"5D992.c no encryption", "5D992.c", none, "US", "no encryption is present", ruleENC},
		{"5A992 not mass market, foreign origin", "5A992.c", nonMM, "MX", "not to be mass market", rule5A992},
		{"5A002.a no encryption", "5A002.a", none, "US", "no encryption is present", ruleENC},
		{"5A992.c mass market agrees", "5A992.c", mm, "US", "", ""},
		{"5A002.a non-mass-market agrees", "5A002.a", nonMM, "US", "", ""},
		{"EAR99 without encryption agrees", "EAR99", none, "US", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first := line(1, iorules.CategorySwitch, "8517.62", "EAR99", "US")
			it := line(2, iorules.CategorySwitch, "8517.62", tc.eccn, tc.origin)
			it.Encryption = tc.enc
			res := Screen(ship(tc.origin, "BR", []iorules.Item{first, it}), Options{})
			require.Len(t, res.Lines, 2)
			require.Equal(t, DeterminationNLR, res.Lines[0].Determination, "the other line is not touched")
			if tc.want == "" {
				require.False(t, hasReason(res, CodeClassificationMismatch, ""))
				return
			}
			require.Equal(t, DeterminationNeedsFacts, res.Lines[1].Determination)
			require.Equal(t, tc.rule, res.Lines[1].Rule)
			require.Contains(t, res.Lines[1].Message, tc.want)
			var found bool
			for _, r := range res.Reasons {
				if r.Code == CodeClassificationMismatch {
					found = true
					require.Equal(t, iorules.SeverityCondition, r.Severity)
					require.Equal(t, []int{2}, r.Lines, "the reason names the line")
					require.Contains(t, r.Message, tc.eccn)
					require.NotEmpty(t, r.Unblock)
				}
			}
			require.True(t, found)
			require.Equal(t, "conditional", verdict(res))
		})
	}
}

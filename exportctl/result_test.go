package exportctl

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeterminationJSON checks that the typed determination is written as
// the plain string it always was.
func TestDeterminationJSON(t *testing.T) {
	for _, d := range []Determination{DeterminationEmbargoed, DeterminationDenial, DeterminationLicenceRequired,
		DeterminationReview, DeterminationNeedsFacts, DeterminationNAC, DeterminationACA, DeterminationENC,
		DeterminationSPP, DeterminationEU001, DeterminationNLR} {
		b, err := json.Marshal(LineResult{Determination: d})
		require.NoError(t, err)
		var got struct{ Determination string }
		require.NoError(t, json.Unmarshal(b, &got))
		require.Equal(t, string(d), got.Determination)
		require.NotZero(t, determinationRank(d), d)
	}
}

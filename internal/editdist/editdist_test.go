package editdist

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOSA(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"kitten", "sitting", 3},
		{"ab", "ba", 1}, // a transposition is one edit
		{"", "abc", 3},
		{"in.bis", "in.bis_crs", 4},
		{"straße", "strasse", 2},
	} {
		require.Equal(t, tt.want, OSA([]rune(tt.a), []rune(tt.b)), "%q %q", tt.a, tt.b)
		require.Equal(t, tt.want, OSA([]rune(tt.b), []rune(tt.a)), "%q %q", tt.b, tt.a)
	}
	long := string(make([]byte, 40)) // beyond the stack buffer
	require.Equal(t, 40, OSA([]byte(""), []byte(long)))
}

package documents

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

// referenceWords is words as first written, on strings.IndexFunc and
// unicode alone: the ASCII fast path of words must split every string
// the same way.
func referenceWords(s string) []string {
	isWord := func(c rune) bool {
		return unicode.IsLetter(c) || unicode.IsDigit(c) || c == '-' || c == '.' || c == '+'
	}
	var out []string
	for len(s) > 0 {
		start := strings.IndexFunc(s, isWord)
		if start < 0 {
			break
		}
		s = s[start:]
		end := strings.IndexFunc(s, func(c rune) bool { return !isWord(c) })
		if end < 0 {
			end = len(s)
		}
		if w := strings.Trim(s[:end], "-."); w != "" {
			out = append(out, w)
		}
		s = s[end:]
	}
	return out
}

func TestWordsMatchesReference(t *testing.T) {
	pieces := []string{"a", "Z", "9", "-", ".", "+", " ", ",", "/", "é", "Ж", "٣", "\u00a0", "\xff", "\xe2\x82", "😀", "GB", "1U", "x86-64", "..", "--"}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 5000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		got := slices.Collect(words(s))
		require.Equal(t, referenceWords(s), got, "case %d: %q", n, s)
	}
}

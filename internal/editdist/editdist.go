// Package editdist measures how far apart two strings are, for matching
// names against a screening list and suggesting the id a caller meant.
package editdist

// OSA is the Levenshtein distance with adjacent transpositions
// counted as one edit (optimal string alignment), over the elements of a
// and b: the bytes of ASCII strings or the runes of others.
func OSA[E byte | rune](a, b []E) int {
	n := len(b) + 1
	var buf [3 * 24]int // rows for names' tokens without allocating
	var rows []int
	if 3*n <= len(buf) {
		rows = buf[:3*n]
	} else {
		rows = make([]int, 3*n)
	}
	prev2, prev, cur := rows[:n], rows[n:2*n], rows[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

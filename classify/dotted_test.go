package classify

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// TestDotted checks dotted against HSCode.String for every length.
func TestDotted(t *testing.T) {
	const digits = "8471501099887766554433221100"
	for n := range len(digits) + 1 {
		require.Equal(t, iorules.HSCode(digits[:n]).String(), dotted(digits[:n]), "%d digits", n)
	}
}

// TestCheckShipmentInputOrder checks that the results do not depend on
// the order of the items, that the shipment is left as it was, and that
// results do not share slices with the table or with each other.
func TestCheckShipmentInputOrder(t *testing.T) {
	sorted := iorules.Shipment{
		Date: iorules.MustParseDate("2026-11-25"),
		Items: []iorules.Item{
			item(1, iorules.CategoryServer, "84715010"),
			item(2, iorules.CategoryServer, "851762"),
			item(2, iorules.CategorySwitch, "85176200"), // same line: kept in input order
			item(3, iorules.CategoryServer, "847199"),
			item(4, iorules.CategoryServer, "847150"),
		},
	}
	shuffled := sorted
	shuffled.Items = []iorules.Item{sorted.Items[3], sorted.Items[1], sorted.Items[4], sorted.Items[0], sorted.Items[2]}
	before := slices.Clone(shuffled.Items)

	wantResults, wantReasons := CheckShipment("BR", sorted)
	gotResults, gotReasons := CheckShipment("BR", shuffled)
	require.Equal(t, before, shuffled.Items, "the shipment is not reordered")
	require.Empty(t, cmp.Diff(wantResults, gotResults))
	require.Empty(t, cmp.Diff(wantReasons, gotReasons))

	// A caller may change what it gets back without changing later answers.
	for _, r := range gotResults {
		for i := range r.Expected {
			r.Expected[i] = strings.ToUpper(r.Expected[i]) + "!"
		}
	}
	again, _ := CheckShipment("BR", sorted)
	require.Empty(t, cmp.Diff(wantResults, again))
}

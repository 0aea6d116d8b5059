//go:build !race

package iorules

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestValidateDoesNotAllocate checks that a valid shipment of a few lines
// validates without allocating: paths are only rendered for problems. (The
// race detector changes allocation counts, hence the build tag.)
func TestValidateDoesNotAllocate(t *testing.T) {
	many := goShipment()
	for len(many.Items) < 10 {
		it := many.Items[0]
		it.Line = len(many.Items) + 1
		many.Items = append(many.Items, it)
	}
	for _, s := range []Shipment{goShipment(), many} {
		require.NoError(t, s.Validate())
		require.Zero(t, testing.AllocsPerRun(20, func() { _ = s.Validate() }))
	}
}

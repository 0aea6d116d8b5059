package policy

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// TestLineClasses checks that lines get the same class exactly when every
// key field is equal, with few classes (found by scanning) and with more
// than linearClasses (found through the index), and that classes are
// numbered in order of first line.
func TestLineClasses(t *testing.T) {
	fields := []keyFunc{
		func(b []byte, _ *iorules.Shipment, it *iorules.Item) []byte { return append(b, it.Model...) },
		func(b []byte, _ *iorules.Shipment, it *iorules.Item) []byte { return append(b, it.SKU...) },
	}
	r := rand.New(rand.NewPCG(3, 5))
	for _, distinct := range []int{1, 3, linearClasses, linearClasses + 1, 40} {
		t.Run(fmt.Sprint(distinct), func(t *testing.T) {
			var s iorules.Shipment
			for i := range 200 {
				n := r.IntN(distinct)
				// "ab"+"" and "a"+"b" must not share a class.
				model, sku := fmt.Sprintf("m%d", n), ""
				if n%2 == 1 {
					model, sku = fmt.Sprintf("m%d", n/10), fmt.Sprint(n%10)
				}
				s.Items = append(s.Items, iorules.Item{Line: i + 1, Model: model, SKU: sku})
			}
			classes, n := lineClasses(&s, fields, &classScratch{})
			require.Len(t, classes, len(s.Items))
			seen := map[[2]string]int32{}
			next := int32(0)
			for i, it := range s.Items {
				k := [2]string{it.Model, it.SKU}
				c, ok := seen[k]
				if !ok {
					require.Equal(t, next, classes[i], "line %d starts a class", i+1)
					seen[k], c = next, next
					next++
				}
				require.Equal(t, c, classes[i], "line %d", i+1)
			}
			require.Equal(t, len(seen), n)
		})
	}
}

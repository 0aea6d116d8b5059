package classify_test

import (
	"fmt"
	"testing"

	"github.com/iorules/iorules/classify"
	"github.com/iorules/iorules/markets/policytest"
)

func BenchmarkCheckShipment(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		s := policytest.SampleShipment("BR", n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = classify.CheckShipment("BR", s)
			}
		})
	}
}

package valuation_test

import (
	"fmt"
	"testing"

	"github.com/iorules/iorules/markets/policytest"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

func BenchmarkValue(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		s := policytest.SampleShipment("BR", n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := valuation.Value(s, valuation.CIF, "BRL"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAllocate splits the benchmark shipment's freight over its line
// values, as Value does.
func BenchmarkAllocate(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		s := policytest.SampleShipment("BR", n)
		weights := make([]decimal.Decimal, n)
		for i, it := range s.Items {
			weights[i] = it.Value()
		}
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := valuation.Allocate(s.Charges.Freight, weights, 2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

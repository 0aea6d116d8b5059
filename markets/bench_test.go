package markets_test

import (
	"fmt"
	"testing"

	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
)

func BenchmarkPrequalify(b *testing.B) {
	engine, err := markets.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range engine.Markets() {
		for _, n := range []int{1, 10, 100, 1000} {
			s := policytest.SampleShipment(m, n)
			if err := s.Validate(); err != nil {
				b.Fatalf("%s: %v", m, err)
			}
			b.Run(fmt.Sprintf("%s/lines=%d", m, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := engine.Prequalify(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := markets.New(); err != nil {
			b.Fatal(err)
		}
	}
}

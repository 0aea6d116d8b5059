package iorules_test

import (
	"fmt"
	"testing"

	"github.com/iorules/iorules/markets/policytest"
)

func BenchmarkValidate(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		s := policytest.SampleShipment("BR", n)
		if err := s.Validate(); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

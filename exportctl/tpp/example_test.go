package tpp_test

import (
	"fmt"

	"github.com/iorules/iorules/exportctl/tpp"
	"github.com/shopspring/decimal"
)

// TPP from a datasheet: the dense FP8 and BF16 figures of an H100 SXM5.
// TPP is the highest over the supported precisions; a sparse figure is
// refused rather than halved.
func Example() {
	fp8, _ := tpp.FromTOPS(decimal.NewFromInt(1979), 8)
	bf16, _ := tpp.FromTOPS(decimal.NewFromInt(989), 16)
	fmt.Println("FP8:", fp8, "BF16:", bf16)

	best, _ := tpp.Max(
		tpp.Throughput{TOPS: decimal.NewFromInt(989), BitLength: 16},
		tpp.Throughput{TOPS: decimal.NewFromInt(1979), BitLength: 8},
	)
	fmt.Println("TPP:", best, "meets 3A090.a (TPP >= 4800):", best.GreaterThanOrEqual(decimal.NewFromInt(4800)))

	pd, _ := tpp.PerformanceDensity(best, decimal.NewFromInt(814))
	fmt.Println("performance density:", pd)

	_, err := tpp.Max(tpp.Throughput{TOPS: decimal.NewFromInt(3958), BitLength: 8, Sparse: true})
	fmt.Println(err)
	// Output:
	// FP8: 15832 BF16: 15824
	// TPP: 15832 meets 3A090.a (TPP >= 4800): true
	// performance density: 19.449631
	// throughput 0 (3958 TOPS at 8 bits): tpp: TOPS quoted with sparsity; supply the dense figure
}

// Package tpp computes the total processing performance (TPP) and the
// performance density of an integrated circuit from its datasheet, as the
// Technical Note to ECCN 3A090 defines them (15 CFR 774 Supp. 1, Cat. 3;
// 88 FR 73458), to find the figure a shipment line states as item.tpp.
//
// It is a calculator for the caller: exportctl.Screen reads the TPP a line
// states and never computes one. It does not classify; comparing the result
// with the 3A090 thresholds is exportctl's job.
package tpp

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// ErrSparseTOPS is returned by Max for a throughput quoted with
// structured sparsity. TPP is computed from dense figures; halving a sparse
// datasheet figure is common practice but is not a confirmed BIS position,
// so the library asks for the dense figure instead of guessing.
var ErrSparseTOPS = errors.New("tpp: TOPS quoted with sparsity; supply the dense figure")

// FromTOPS returns the total processing performance of an integrated circuit for
// one precision, as defined by the Technical Note to ECCN 3A090
// (15 CFR 774 Supp. 1, Cat. 3; 88 FR 73458):
//
//	TPP = 2 × MacTOPS × bit length of the operation
//
// tops is the dense (no sparsity) throughput in tera-operations per second
// as datasheets quote it, counting a multiply-accumulate as two operations;
// it is therefore already 2 × MacTOPS, and TPP = tops × bitLength. For an
// H100 SXM5 at FP8, 1979 × 8 = 15,832.
//
// The Technical Note takes the highest TPP over the precisions the IC
// supports; see Max. tops must not be negative and bitLength must be
// positive. The result is exact: no rounding.
func FromTOPS(tops decimal.Decimal, bitLength int) (decimal.Decimal, error) {
	if tops.IsNegative() {
		return decimal.Zero, fmt.Errorf("tpp: TOPS must not be negative, got %s", tops)
	}
	if bitLength <= 0 {
		return decimal.Zero, fmt.Errorf("tpp: bit length must be positive, got %d", bitLength)
	}
	return tops.Mul(decimal.NewFromInt(int64(bitLength))), nil
}

// Throughput is an IC's datasheet throughput at one precision.
type Throughput struct {
	// TOPS is tera-operations (or FLOPS) per second, a multiply-accumulate
	// counting as two operations.
	TOPS decimal.Decimal
	// BitLength is the operand bit length of the precision (8 for FP8 or
	// INT8, 16 for FP16/BF16).
	BitLength int
	// Sparse is true when TOPS was measured with structured sparsity.
	Sparse bool
}

// Max returns the highest TPP over the given precisions, which is the
// figure the 3A090 Technical Note classifies by. Feeding a single FP16
// figure can under-classify a part whose FP8 or INT8 TPP is higher. It
// returns ErrSparseTOPS (wrapped) for a sparse figure and an error when no
// throughput is given.
func Max(ts ...Throughput) (decimal.Decimal, error) {
	if len(ts) == 0 {
		return decimal.Zero, errors.New("tpp: Max needs at least one throughput")
	}
	best := decimal.Zero
	for i, t := range ts {
		if t.Sparse {
			return decimal.Zero, fmt.Errorf("throughput %d (%s TOPS at %d bits): %w", i, t.TOPS, t.BitLength, ErrSparseTOPS)
		}
		v, err := FromTOPS(t.TOPS, t.BitLength)
		if err != nil {
			return decimal.Zero, fmt.Errorf("throughput %d: %w", i, err)
		}
		if v.GreaterThan(best) {
			best = v
		}
	}
	return best, nil
}

// PerformanceDensity returns TPP divided by the applicable die area in
// square millimetres (3A090 Technical Note), truncated toward zero at six
// decimal places so that the quotient never rounds up across a threshold
// such as 5.92. How the die area of a multi-die package is counted is not
// settled by the sources this library was built from; the caller decides.
func PerformanceDensity(tpp, dieAreaMM2 decimal.Decimal) (decimal.Decimal, error) {
	if tpp.IsNegative() {
		return decimal.Zero, fmt.Errorf("tpp: TPP must not be negative, got %s", tpp)
	}
	if !dieAreaMM2.IsPositive() {
		return decimal.Zero, fmt.Errorf("tpp: die area must be positive, got %s mm²", dieAreaMM2)
	}
	q, _ := tpp.QuoRem(dieAreaMM2, 6)
	return q, nil
}

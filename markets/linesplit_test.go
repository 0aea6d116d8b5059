package markets_test

import (
	"encoding/json"
	"testing"

	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestLineTaxesAreTheLinesOwn: the lines of a group have their taxes and
// rates in shared blocks (one allocation per group); appending to one
// line's taxes or writing through one line's rate must leave every other
// line as it was.
func TestLineTaxesAreTheLinesOwn(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	d, err := engine.Prequalify(policytest.SampleShipment("BR", 10))
	require.NoError(t, err)
	want, err := json.Marshal(d.Lines)
	require.NoError(t, err)
	shared := 0 // lines with taxes after another line of their group
	for i := range d.Lines {
		for j := range i {
			if d.Lines[i].Group == d.Lines[j].Group && len(d.Lines[j].Taxes) > 0 {
				shared++
				break
			}
		}
	}
	require.Positive(t, shared, "the sample has no group of several lines")
	seen := map[*decimal.Decimal]bool{}
	for _, l := range d.Lines {
		for _, lt := range l.Taxes {
			if lt.Rate != nil {
				require.False(t, seen[lt.Rate], "line %d shares the rate of %s with another line", l.Line, lt.ID)
				seen[lt.Rate] = true
			}
		}
	}
	// Scribble on each line's copy of its taxes and rates, then restore
	// them from a copy: only a write that reached another line remains.
	for i := range d.Lines {
		line := &d.Lines[i]
		saved := make([]markets.LineTax, len(line.Taxes))
		rates := make([]decimal.Decimal, len(line.Taxes))
		copy(saved, line.Taxes)
		for k, lt := range line.Taxes {
			if lt.Rate != nil {
				rates[k] = *lt.Rate
				*lt.Rate = decimal.NewFromInt(-1)
			}
		}
		line.Taxes = append(line.Taxes, markets.LineTax{ID: "SCRIBBLED"}, markets.LineTax{ID: "SCRIBBLED"})
		line.Taxes = line.Taxes[:len(saved)]
		copy(line.Taxes, saved)
		for k, lt := range line.Taxes {
			if lt.Rate != nil {
				*lt.Rate = rates[k]
			}
		}
	}
	got, err := json.Marshal(d.Lines)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got))
}

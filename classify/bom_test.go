package classify_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/classify"
	"github.com/stretchr/testify/require"
)

// bomDir holds the data-centre bill of materials declared for each market
// (issue 18). The files belong to the markets package's tests; they are read
// here as plain data, so classify does not import markets.
var bomDir = filepath.Join("..", "markets", "testdata", "bom")

// bomHS6 and bomCategories are the twenty lines of the bill of materials
// and the categories they are declared under: every file must declare
// exactly these HS-6 subheadings, so a line added to the files is added here.
var (
	bomHS6 = []string{
		"841582", "841869", "847150", "847160", "847170", "847180", "847330", "850440", "850760",
		"851762", "851771", "851779", "852351", "852852", "853669", "853710", "854442", "854449",
		"854470", "940320",
	}
	bomCategories = []iorules.Category{
		"antenna", "battery", "cable_copper", "cable_fiber", "cooling", "gpu_accelerator", "keyboard_kvm",
		"monitor", "pdu", "rack", "server", "storage", "storage_drive", "switch", "transceiver", "ups",
	}
)

// TestBillOfMaterialsFitsCategories checks every line of every market's
// bill of materials: its code must exist in HS 2022, have the market's
// national form and fit its category (status ok), so the classification
// section of a data-centre shipment raises no condition.
func TestBillOfMaterialsFitsCategories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(bomDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no bill of materials in %s", bomDir)
	for _, path := range files {
		market := iorules.Country(strings.ToUpper(strings.TrimSuffix(filepath.Base(path), ".json")))
		t.Run(string(market), func(t *testing.T) {
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			s, err := iorules.DecodeShipment(f)
			require.NoError(t, err)
			require.Equal(t, market, s.Destination)

			var hs6 []string
			var cats []iorules.Category
			for _, it := range s.Items {
				r := classify.Check(market, it)
				require.Equal(t, classify.StatusOK, r.Status, "line %d (%s, %s): %s", it.Line, it.Category, it.HSCode, r.Message)
				hs6 = append(hs6, it.HSCode.HS6())
				cats = append(cats, it.Category)
			}
			// The in-row cooling unit is declared under 8415.82 in some
			// markets and under 8415.10 in others: HS 2022 added units
			// fixed to a floor to 8415.10, and Viet Nam's customs service
			// reads floor-standing units there. Either fits; a binding ruling
			// decides.
			if i := slices.Index(hs6, "841510"); i >= 0 {
				hs6[i] = "841582"
			}
			slices.Sort(hs6)
			slices.Sort(cats)
			require.Equal(t, bomHS6, hs6)
			require.Equal(t, bomCategories, slices.Compact(cats))

			results, reasons := classify.CheckShipment(market, s)
			require.Len(t, results, len(s.Items))
			for _, r := range reasons {
				require.NotEqual(t, iorules.SeverityCondition, r.Severity, "%s: %s", r.Code, r.Message)
			}
		})
	}
}

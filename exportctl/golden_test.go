package exportctl

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/golden"
	"github.com/stretchr/testify/require"
)

// goldenCase is a testdata/cases file: a shipment and the screening options.
type goldenCase struct {
	Shipment iorules.Shipment `json:"shipment"`
	Options  struct {
		Parties      []ListedParty `json:"parties"`
		Threshold    int           `json:"threshold"`
		Dispositions []Disposition `json:"dispositions"`
	} `json:"options"`
}

type goldenOut struct {
	Result  Result           `json:"result"`
	Reasons []iorules.Reason `json:"reasons"`
}

func loadCase(t *testing.T, path string) (iorules.Shipment, Options) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var c goldenCase
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&c))
	return c.Shipment, Options{Parties: c.Options.Parties, Threshold: c.Options.Threshold, Dispositions: c.Options.Dispositions}
}

// TestGolden screens each shipment under testdata/cases and compares the
// full result, reasons included, with testdata/golden. Run with -update to
// rewrite them after a reviewed change.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/cases/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			s, opts := loadCase(t, p)
			res := Screen(s, opts)
			got, err := json.MarshalIndent(goldenOut{res, res.Reasons}, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			golden.Check(t, filepath.Join("testdata", "golden", name+".json"), got)
		})
	}
}

// TestConcurrentScreen runs Screen from many goroutines (meaningful under
// -race) and checks every result is the same.
func TestConcurrentScreen(t *testing.T) {
	s, opts := loadCase(t, "testdata/cases/eu_mixed_uae.json")
	first := Screen(s, opts)
	var wg sync.WaitGroup
	results := make([]Result, 32)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = Screen(s, opts)
		}()
	}
	wg.Wait()
	for _, r := range results {
		require.Empty(t, cmp.Diff(first, r))
	}
}

// TestScreenOddInput feeds shapes a validated shipment would not have; the
// engine must answer without panicking.
func TestScreenOddInput(t *testing.T) {
	odd := []iorules.Shipment{
		{},
		{Date: testDay, Origin: "US", Destination: "BR"},
		ship("US", "BR", []iorules.Item{{Line: 3}, {Line: 1, ECCN: "???", Category: "gpu_server"}, {Line: 2, ECCN: "3A090", TPP: tpp("-1")}}),
		ship("ZZ", "BR", []iorules.Item{storage("EAR99")}),
		ship("US", "UA", []iorules.Item{storage("EAR99")}, subdivision("X")),
	}
	for i, s := range odd {
		res := Screen(s, Options{Parties: []ListedParty{{Name: "", List: ""}, {Name: "...", List: "EL"}}, Threshold: 1})
		require.Len(t, res.Lines, len(s.Items), "case %d", i)
		for j := 1; j < len(res.Lines); j++ {
			require.Less(t, res.Lines[j-1].Line, res.Lines[j].Line, "lines in order")
		}
	}
}

package markets_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// TestEveryReasonSaysWhatUnblocksIt evaluates every sample shipment against
// its destination and every embedded market (a rollout sample: each
// market's shipment, likewise), once as it is and once with its end user on
// a restricted-party list, and fails on any declining or conditional reason
// that does not say what would lift it. Info reasons may leave Unblock
// empty.
func TestEveryReasonSaysWhatUnblocksIt(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	files, err := filepath.Glob("../examples/shipments/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)

	var offenders []string
	seen := map[string]bool{}
	check := func(file string, d markets.Decision) {
		for _, r := range d.Reasons {
			if r.Severity == iorules.SeverityInfo || strings.TrimSpace(r.Unblock) != "" {
				continue
			}
			key := fmt.Sprintf("%s: market %s: %s %s (rule %s)", filepath.Base(file), d.Market, r.Severity, r.Code, r.Rule)
			if !seen[key] {
				seen[key] = true
				offenders = append(offenders, key)
			}
		}
	}
	evaluate := func(file string, s iorules.Shipment) {
		listed := markets.WithScreening(exportctl.Options{Parties: []exportctl.ListedParty{
			{Name: s.EndUser.Name, Country: s.EndUser.Country, List: "EL", Source: "test entry"},
		}})
		for _, opts := range [][]markets.EvalOption{nil, {listed}} {
			d, err := engine.Prequalify(s, opts...)
			require.NoError(t, err, file)
			check(file, d)
			all, err := engine.PrequalifyAll(s, opts...)
			require.NoError(t, err, file)
			require.Len(t, all, len(engine.Markets()))
			for _, d := range all {
				check(file, d)
			}
		}
	}
	evaluated := 0
	for _, file := range files {
		f, err := os.Open(file)
		require.NoError(t, err)
		if strings.HasPrefix(filepath.Base(file), "rollout-") {
			r, err := markets.DecodeRollout(f)
			f.Close()
			require.NoError(t, err, file)
			res, err := engine.Rollout(r)
			require.NoError(t, err, file)
			for _, mr := range res.Markets {
				check(file, mr.Decision)
				s, _ := r.ShipmentFor(mr.Market)
				evaluate(file, s)
				evaluated++
			}
			continue
		}
		s, err := iorules.DecodeShipment(f)
		f.Close()
		require.NoError(t, err, file)
		evaluate(file, s)
		evaluated++
	}
	require.Greater(t, evaluated, len(files), "the rollout samples count once per market")
	if len(offenders) > 0 {
		t.Errorf("%d reasons do not say what would unblock them:\n%s", len(offenders), strings.Join(offenders, "\n"))
	}
}

// TestPolicyRuleNeedsUnblock checks that a policy cannot load a rule that
// declines or conditions a shipment without saying what would lift it.
func TestPolicyRuleNeedsUnblock(t *testing.T) {
	src, err := os.ReadFile("testdata/mini/zz.yaml")
	require.NoError(t, err)
	for _, kind := range []string{"decline", "condition", "importer"} {
		t.Run(kind, func(t *testing.T) {
			policy := strings.Replace(string(src), "rules:\n", "rules:\n"+
				"  - id: tr.silent\n"+
				"    kind: "+kind+"\n"+
				"    when: \"true\"\n"+
				"    scope: shipment\n"+
				"    message: blocked\n"+
				"    source: test\n"+
				"    confidence: confirmed\n", 1)
			_, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(policy)}}))
			require.Error(t, err)
			require.Contains(t, err.Error(), "rule tr.silent: unblock: required for kind "+kind)
		})
	}
	t.Run("info needs none", func(t *testing.T) {
		policy := strings.Replace(string(src), "rules:\n", "rules:\n"+
			"  - id: tr.note\n    kind: info\n    when: \"true\"\n    scope: shipment\n    message: fyi\n    source: test\n    confidence: confirmed\n", 1)
		_, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(policy)}}))
		require.NoError(t, err)
	})
}

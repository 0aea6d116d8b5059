package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const rolloutSample = "rollout-nine-markets.json"

func TestRolloutExitCodes(t *testing.T) {
	valid, err := os.ReadFile(sample(rolloutSample))
	require.NoError(t, err)
	text := string(valid)
	files := writeDir(t, map[string]string{
		"bad-scheme.json": strings.Replace(text, `"scheme": "tr.vkn"`, `"scheme": "TR VKN"`, 1),
		"no-rate.json":    strings.Replace(text, `"exchange_rates": {"USD": "43.1200"}`, `"exchange_rates": {}`, 1),
		"germany.json":    strings.Replace(text, `"VN": {`, `"DE": {"importer_of_record": {"name": "X GmbH", "country": "DE"}, "exchange_rates": {"USD": "0.9200"}}, "VN": {`, 1),
		"malformed.json":  text[:len(text)/2],
	})
	tests := []struct {
		name      string
		args      []string
		stdin     string
		code      int
		stderr    string
		stderrHas []string
	}{
		{name: "the sample", args: []string{"-rollout", sample(rolloutSample)}, code: 0},
		{name: "the sample as text", args: []string{"-format", "text", "-rollout", sample(rolloutSample)}, code: 0},
		{name: "from stdin", args: []string{"-rollout", "-"}, stdin: text, code: 0},
		{name: "invalid registration: path under markets[TR]", args: []string{"-rollout", filepath.Join(files, "bad-scheme.json")}, code: 1,
			stderr: `markets[TR].importer_of_record.registrations[0].scheme: must be "<market>.<name>" in lower case, such as "br.radar"; not "TR VKN"` + "\n"},
		{name: "missing rate", args: []string{"-rollout", filepath.Join(files, "no-rate.json")}, code: 1,
			stderr: "markets[TR].exchange_rates.USD: required: rate of USD in TRY on 2026-12-01\n"},
		{name: "malformed", args: []string{"-rollout", filepath.Join(files, "malformed.json")}, code: 1, stderrHas: []string{"malformed JSON"}},
		{name: "a market without a policy", args: []string{"-rollout", filepath.Join(files, "germany.json")}, code: 3,
			stderrHas: []string{`no policy for market "DE"`, "loaded: BR, EG"}},
		{name: "file not found", args: []string{"-rollout", filepath.Join(files, "nope.json")}, code: 3, stderrHas: []string{"-rollout", "nope.json"}},
		{name: "-market with -rollout", args: []string{"-market", "TR", "-rollout", sample(rolloutSample)}, code: 3,
			stderrHas: []string{"-market cannot be used with -rollout"}},
		{name: "a FILE with -rollout", args: []string{"-rollout", sample(rolloutSample), sample("tr-network.json")}, code: 3,
			stderrHas: []string{"-rollout takes the rollout file itself"}},
		{name: "a shipment given as a rollout", args: []string{"-rollout", sample("tr-network.json")}, code: 1,
			stderrHas: []string{"id: unknown field", "shipment: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.stdin, tt.args...)
			require.Equal(t, tt.code, r.code, "stderr:\n%s", r.stderr)
			if tt.code != 0 {
				require.Empty(t, r.stdout)
			} else {
				require.NotEmpty(t, r.stdout)
				require.Empty(t, r.stderr)
			}
			if tt.stderr != "" {
				require.Equal(t, tt.stderr, r.stderr)
			}
			for _, s := range tt.stderrHas {
				require.Contains(t, r.stderr, s)
			}
		})
	}
}

func TestRolloutJSONShape(t *testing.T) {
	r := runCLI(t, "", "-rollout", sample(rolloutSample))
	require.Equal(t, 0, r.code, r.stderr)
	var res struct {
		ShipmentID string `json:"shipment_id"`
		Currency   string `json:"currency"`
		Markets    []struct {
			Market           string          `json:"market"`
			Verdict          string          `json:"verdict"`
			LandedCost       *string         `json:"landed_cost"`
			LandedCostUSD    *string         `json:"landed_cost_shipment_currency"`
			EarliestShipDate string          `json:"earliest_ship_date"`
			Decision         json.RawMessage `json:"decision"`
		} `json:"markets"`
		Summary struct {
			Together []struct {
				Date    string   `json:"date"`
				Markets []string `json:"markets"`
			} `json:"together"`
			DateUnknown []string `json:"date_unknown"`
			Declined    []struct {
				Market string `json:"market"`
				Reason struct {
					Code    string `json:"code"`
					Unblock string `json:"unblock"`
				} `json:"reason"`
			} `json:"declined"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Equal(t, "ROLL-2612-0009", res.ShipmentID)
	require.Equal(t, "USD", res.Currency)
	var ms []string
	for _, m := range res.Markets {
		ms = append(ms, m.Market)
		require.NotEmpty(t, m.Decision, "the full decision of %s", m.Market)
	}
	require.Equal(t, []string{"BR", "EG", "IN", "KZ", "MY", "PH", "SA", "TR", "VN"}, ms)
	require.Equal(t, "MY", res.Summary.Together[0].Markets[0])
	require.Len(t, res.Summary.Declined, 2)
	for _, d := range res.Summary.Declined {
		require.NotEmpty(t, d.Reason.Unblock)
	}
}

// TestRolloutScreening checks that -screening reaches every market of a
// rollout: an end user on the Entity List declines them all.
func TestRolloutScreening(t *testing.T) {
	list := writeDir(t, map[string]string{"list.json": `{"parties": [{"name": "Meridian Edge Cloud Ltd", "country": "GB", "list": "EL", "source": "test entry"}]}`})
	r := runCLI(t, "", "-screening", filepath.Join(list, "list.json"), "-rollout", sample(rolloutSample))
	require.Equal(t, 0, r.code, r.stderr)
	var res struct {
		Markets []struct {
			Market  string `json:"market"`
			Verdict string `json:"verdict"`
		} `json:"markets"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res))
	require.Len(t, res.Markets, 9)
	for _, m := range res.Markets {
		if m.Market == "BR" {
			continue // Brazil has its own end user, not on the list; it declines on RADAR anyway
		}
		require.Equal(t, "decline", m.Verdict, m.Market)
	}
}

func TestRolloutDeterministic(t *testing.T) {
	for _, args := range [][]string{{"-rollout", sample(rolloutSample)}, {"-format", "text", "-rollout", sample(rolloutSample)}} {
		a := runCLI(t, "", args...)
		b := runCLI(t, "", args...)
		require.Equal(t, 0, a.code, a.stderr)
		require.Equal(t, a.stdout, b.stdout)
	}
}

package markets_test

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
	"github.com/stretchr/testify/require"
)

// withSubdivisions returns the mini policy (market TR) with a
// destination_subdivision block of the given lines, or without one for "".
func withSubdivisions(block string) []string {
	if block == "" {
		return nil
	}
	return []string{"\ntables:\n", "\ndestination_subdivision:\n" + block + "tables:\n"}
}

// fieldErrors returns err's field errors as "path: message".
func fieldErrors(err error) []string {
	var out []string
	for _, fe := range iorules.FieldErrors(err) {
		out = append(out, fe.Error())
	}
	return out
}

// TestPolicySubdivisions checks what a policy's destination_subdivision
// block asks of a shipment to its market, through the engine's checks and
// through Prequalify, PrequalifyAll and PrequalifyMarket alike.
func TestPolicySubdivisions(t *testing.T) {
	const (
		noBlock   = ""
		knownList = "  required: false\n  example: TR-34\n  codes: [TR-06, TR-34]\n"
		required  = "  required: true\n  example: TR-34\n"
	)
	tests := []struct {
		name   string
		policy string
		sub    iorules.Subdivision
		want   []string
	}{
		{"no block: none named", noBlock, "", nil},
		{"no block: any code of the market", noBlock, "TR-34", nil},
		{"no block: any form of the market's", noBlock, "TR-X9Z", nil},
		{"a list, not required: none named", knownList, "", nil},
		{"a list, not required: a listed code", knownList, "TR-06", nil},
		{"a list, not required: an unknown code", knownList, "TR-01",
			[]string{`destination_subdivision: unknown subdivision "TR-01" of TR (want a code such as "TR-34")`}},
		{"required without a list: none named", required, "",
			[]string{`destination_subdivision: required: the taxes of TR depend on it (an ISO 3166-2 code such as "TR-34")`}},
		{"required without a list: any code", required, "TR-99", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engine := miniEngine(t, withSubdivisions(tt.policy)...)
			s := sample(t)
			s.DestinationSubdivision = tt.sub
			require.Empty(t, fieldErrors(s.Validate()), "the root needs nothing of a market")
			require.Equal(t, tt.want, fieldErrors(s.Validate(engine.ShipmentChecks()...)), "Validate with the engine's checks")

			_, err := engine.Prequalify(s)
			require.Equal(t, tt.want, fieldErrors(err), "Prequalify")
			_, err = engine.PrequalifyAll(s)
			require.Equal(t, tt.want, fieldErrors(err), "PrequalifyAll")
			_, err = engine.PrequalifyMarket("TR", s)
			require.Equal(t, tt.want, fieldErrors(err), "PrequalifyMarket")
		})
	}
}

// TestPolicySubdivisionsLoadIssues: a block that does not describe
// subdivisions of the market fails the load, at the offending value.
func TestPolicySubdivisionsLoadIssues(t *testing.T) {
	tests := []struct {
		name  string
		block string
		want  string
	}{
		{"a code of another country", "  example: TR-34\n  codes: [TR-34, BR-SP]\n",
			`zz.yaml:12:18: destination_subdivision.codes: "BR-SP" is not an ISO 3166-2 subdivision of TR`},
		{"a malformed code", "  example: TR-34\n  codes: [TR-34, tr-06]\n",
			`zz.yaml:12:18: destination_subdivision.codes: "tr-06" is not an ISO 3166-2 subdivision of TR`},
		{"a code listed twice", "  example: TR-34\n  codes: [TR-34, TR-34]\n",
			`zz.yaml:12:18: destination_subdivision.codes: "TR-34" is listed twice`},
		{"an example not among the codes", "  example: TR-01\n  codes: [TR-34]\n",
			`zz.yaml:11:12: destination_subdivision.example: "TR-01" is not one of the codes`},
		{"an example of another country", "  required: true\n  example: BR-SP\n",
			`zz.yaml:12:12: destination_subdivision.example: "BR-SP" is not an ISO 3166-2 subdivision of TR`},
		{"no example", "  required: true\n",
			`zz.yaml:1:1: destination_subdivision.example: required (a code error messages can show, such as TR-01)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			replace := withSubdivisions(tt.block)
			for _, is := range loadIssues(t, strings.Replace(miniPolicy(t), replace[0], replace[1], 1)) {
				got = append(got, is.String())
			}
			require.Equal(t, []string{tt.want}, got)
		})
	}
}

// TestShipmentChecksReportWithTheDecoder: decoded with the engine's checks,
// a shipment to Brazil without its state, or with a state the policy does
// not know, gets the problem with every other, in document order, from
// DecodeShipment and DecodeRollout; decoded without them, from the
// evaluation.
func TestShipmentChecksReportWithTheDecoder(t *testing.T) {
	engine, err := markets.New()
	require.NoError(t, err)
	const (
		requiredMsg = `destination_subdivision: required: the taxes of BR depend on it (an ISO 3166-2 code such as "BR-SP")`
		unknownMsg  = `destination_subdivision: unknown subdivision "BR-XX" of BR (want a code such as "BR-SP")`
		quantity    = "items[0].quantity: must be greater than 0"
	)
	base := exampleShipment(t, "br-servers-sp.json")
	tests := []struct {
		name string
		sub  iorules.Subdivision
		qty  int
		want []string
	}{
		{"no state, among other problems", "", 0, []string{requiredMsg, quantity}},
		{"no state", "", 1, []string{requiredMsg}},
		{"a state the policy does not know", "BR-XX", 1, []string{unknownMsg}},
		{"another country's: the root's problem", "AR-B", 1,
			[]string{`destination_subdivision: must be a subdivision of the destination BR, not "AR-B"`}},
		{"malformed: the root's problem", "SP", 1,
			[]string{`destination_subdivision: malformed subdivision "SP" (want an ISO 3166-2 code such as "BR-SP")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.Items = slices.Clone(base.Items)
			s.DestinationSubdivision, s.Items[0].Quantity = tt.sub, tt.qty
			doc, err := json.Marshal(s)
			require.NoError(t, err)
			_, err = iorules.DecodeShipment(bytes.NewReader(doc), engine.ShipmentChecks()...)
			require.Equal(t, tt.want, fieldErrors(err), "DecodeShipment with the checks")
			require.Equal(t, tt.want, fieldErrors(s.Validate(engine.ShipmentChecks()...)), "Validate with the checks")

			decoded, err := iorules.DecodeShipment(bytes.NewReader(doc))
			if err != nil {
				return // the root's own problems
			}
			_, err = engine.Prequalify(decoded)
			require.Equal(t, tt.want, fieldErrors(err), "Prequalify of a shipment decoded without the checks")
			_, err = engine.PrequalifyMarket("TR", decoded)
			require.Equal(t, tt.want, fieldErrors(err), "PrequalifyMarket for another market")
		})
	}

	t.Run("rollout", func(t *testing.T) {
		src, err := os.ReadFile(sampleRollout)
		require.NoError(t, err)
		doc := []byte(strings.NewReplacer(`"destination_subdivision": "BR-SP",`, "", `"quantity": 10,`, `"quantity": 0,`).Replace(string(src)))
		_, err = markets.DecodeRollout(bytes.NewReader(doc), engine.ShipmentChecks()...)
		require.Equal(t, []string{"shipment." + quantity, "markets[BR]." + requiredMsg}, fieldErrors(err))

		_, err = markets.DecodeRollout(bytes.NewReader(doc))
		require.Equal(t, []string{"shipment." + quantity}, fieldErrors(err), "without the checks")
	})
}

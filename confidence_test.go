package iorules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestConfidence(t *testing.T) {
	cases := []struct {
		in        string
		want      iorules.Confidence
		confirmed bool
		wantErr   string
	}{
		{in: "confirmed", want: iorules.ConfidenceConfirmed, confirmed: true},
		{in: "unconfirmed", want: iorules.ConfidenceUnconfirmed},
		{in: "", wantErr: `confidence: want confirmed or unconfirmed, not ""`},
		{in: "Confirmed", wantErr: `confidence: want confirmed or unconfirmed, not "Confirmed"`},
		{in: "maybe", wantErr: `confidence: want confirmed or unconfirmed, not "maybe"`},
		{in: " confirmed", wantErr: `confidence: want confirmed or unconfirmed, not " confirmed"`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := iorules.ParseConfidence(tc.in)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				var fe *iorules.FieldError
				require.True(t, errors.As(err, &fe))
				require.Equal(t, "confidence", fe.Path)
				require.False(t, iorules.Confidence(tc.in).IsValid())
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.True(t, got.IsValid())
			require.Equal(t, tc.confirmed, got.IsConfirmed())
			require.Equal(t, tc.in, got.String())
		})
	}
}

// TestConfidenceDecoding checks that JSON and YAML decode only the two
// values, and that a confidence writes back as it was read.
func TestConfidenceDecoding(t *testing.T) {
	type record struct {
		Confidence iorules.Confidence `json:"confidence" yaml:"confidence"`
	}
	cases := []struct {
		name, json, yaml string
		want             iorules.Confidence
		wantErr          string
	}{
		{name: "confirmed", json: `{"confidence":"confirmed"}`, yaml: "confidence: confirmed", want: iorules.ConfidenceConfirmed},
		{name: "unconfirmed", json: `{"confidence":"unconfirmed"}`, yaml: "confidence: unconfirmed", want: iorules.ConfidenceUnconfirmed},
		{name: "other word", json: `{"confidence":"sure"}`, yaml: "confidence: sure", wantErr: `confidence: want confirmed or unconfirmed, not "sure"`},
		{name: "empty", json: `{"confidence":""}`, yaml: `confidence: ""`, wantErr: `confidence: want confirmed or unconfirmed, not ""`},
		{name: "yaml boolean", json: `{"confidence":"true"}`, yaml: "confidence: true", wantErr: `confidence: want confirmed or unconfirmed, not "true"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var j, y record
			jerr := json.Unmarshal([]byte(tc.json), &j)
			yerr := yaml.Unmarshal([]byte(tc.yaml), &y)
			if tc.wantErr != "" {
				for _, err := range []error{jerr, yerr} {
					require.Error(t, err)
					require.Contains(t, err.Error(), tc.wantErr)
					var fe *iorules.FieldError
					require.True(t, errors.As(err, &fe), "%T", err)
				}
				return
			}
			require.NoError(t, jerr)
			require.NoError(t, yerr)
			require.Equal(t, tc.want, j.Confidence)
			require.Equal(t, tc.want, y.Confidence)
			out, err := json.Marshal(j)
			require.NoError(t, err)
			require.JSONEq(t, tc.json, string(out))
			yout, err := yaml.Marshal(y)
			require.NoError(t, err)
			require.Equal(t, tc.yaml, strings.TrimSpace(string(yout)))
		})
	}
	t.Run("json number", func(t *testing.T) {
		var r record
		require.Error(t, json.Unmarshal([]byte(`{"confidence":1}`), &r))
	})
}

// A confidence decodes from the data as written; anything else is a field
// error.
func ExampleParseConfidence() {
	c, _ := iorules.ParseConfidence("unconfirmed")
	fmt.Println(c, c.IsConfirmed())
	_, err := iorules.ParseConfidence("likely")
	fmt.Println(err)
	// Output:
	// unconfirmed false
	// confidence: want confirmed or unconfirmed, not "likely"
}

package policytest_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/markets/policytest"
	"github.com/stretchr/testify/require"
)

const miniDir = "../testdata/mini"

func TestCaseFiles(t *testing.T) {
	fsys := os.DirFS(miniDir)
	engine, err := markets.New(markets.WithPolicies(fsys))
	require.NoError(t, err)
	got, err := policytest.CaseFiles(engine, fsys)
	require.NoError(t, err)
	want := []policytest.CaseFile{{Name: "zz_test.yaml", Market: "TR"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CaseFiles (-want +got):\n%s", diff)
	}
	require.Equal(t, "zz", got[0].Stem())
}

func TestParseFile(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantCases int
		wantErr   string
	}{
		{name: "ok", src: "cases: [{name: a, shipment: s}, {name: b, shipment: s}]", wantCases: 2},
		{name: "unknown field", src: "cases: [{name: a, shipment: s, expected: {}}]", wantErr: "field expected not found"},
		{name: "no cases", src: "shipments: {}", wantErr: "case file has no cases"},
		{name: "repeated name", src: "cases: [{name: a}, {name: a}, {name: ''}]", wantCases: 3,
			wantErr: "case names must be present and unique: \"a\"\ncase names must be present and unique: \"\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := policytest.ParseFile([]byte(tt.src))
			require.Len(t, f.Cases, tt.wantCases)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// TestRunCase runs the mini policy's first case as written, with a wrong
// verdict and with a base shipment that does not exist.
func TestRunCase(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(os.DirFS(miniDir)))
	require.NoError(t, err)
	src, err := os.ReadFile(miniDir + "/zz_test.yaml")
	require.NoError(t, err)
	f, err := policytest.ParseFile(src)
	require.NoError(t, err)
	c := f.Cases[0]

	r := policytest.RunCase(engine, "TR", f, c)
	require.False(t, r.Failed(), r.Message())
	require.Empty(t, r.Message())
	require.Equal(t, markets.Conditional, r.Decision.Verdict)

	wrong := c
	wrong.Expect.Verdict = "clear"
	r = policytest.RunCase(engine, "TR", f, wrong)
	require.True(t, r.Failed())
	require.NoError(t, r.Err)
	msg := strings.ReplaceAll(r.Message(), "\u00a0", " ")
	require.Contains(t, msg, "decision differs (-want +got):\n")
	require.Regexp(t, `(?m)^- \s*Verdict: +"clear",\n\+ \s*Verdict: +"conditional",$`, msg)
	require.Contains(t, msg, "\ntrace:\n  verdict conditional (policy TR 0.0.1)\n")

	missing := c
	missing.Shipment = "nope"
	r = policytest.RunCase(engine, "TR", f, missing)
	require.True(t, r.Failed())
	require.EqualError(t, r.Err, `no base shipment "nope"`)
	require.Equal(t, `no base shipment "nope"`, r.Message())
}

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

func TestParseSuite(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantCases int
		wantErr   string
	}{
		{name: "ok", src: "cases: [{name: a, shipment: s}, {name: b, shipment: s}]", wantCases: 2},
		{name: "unknown field", src: "cases: [{name: a, shipment: s, expected: {}}]", wantErr: "line 1: field expected not found in a case"},
		{name: "unknown field in expect", src: "cases: [{name: a, shipment: s, expect: {verdit: clear}}]", wantErr: "field verdit not found in expect"},
		{name: "unknown field in an expected reason", src: "cases: [{name: a, expect: {reasons: [{cod: x}]}}]", wantErr: "field cod not found in an expected reason"},
		{name: "wrong shape", src: "cases: [{name: a, expect: {approvals: {id: x}}}]", wantErr: "cannot unmarshal !!map into a list of expected approvals"},
		{name: "unknown top-level field", src: "case: []", wantErr: "field case not found in the case file"},
		{name: "no cases", src: "shipments: {}", wantErr: "case file has no cases"},
		{name: "repeated name", src: "cases: [{name: a}, {name: a}, {name: ''}]", wantCases: 3,
			wantErr: "case names must be present and unique: \"a\"\ncase names must be present and unique: \"\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := policytest.ParseSuite([]byte(tt.src))
			require.Equal(t, tt.wantCases, s.Len())
			require.Equal(t, tt.wantCases == 0, s == nil, "a suite comes back exactly when it has cases")
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			require.NotContains(t, err.Error(), "policytest.", "the Go types stay out of the author's messages")
		})
	}
}

// TestRunSuite runs the mini policy's cases as written, then with a wrong
// verdict and with a base shipment that does not exist, each written in
// the YAML as an author would.
func TestRunSuite(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(os.DirFS(miniDir)))
	require.NoError(t, err)
	src, err := os.ReadFile(miniDir + "/zz_test.yaml")
	require.NoError(t, err)
	run := func(t *testing.T, old, new string) policytest.Result {
		t.Helper()
		require.Contains(t, string(src), old)
		s, err := policytest.ParseSuite([]byte(strings.Replace(string(src), old, new, 1)))
		require.NoError(t, err)
		results := s.Run(engine, "TR")
		require.Len(t, results, s.Len())
		require.Equal(t, "server and switch", results[0].Case)
		return results[0]
	}

	t.Run("as written", func(t *testing.T) {
		s, err := policytest.ParseSuite(src)
		require.NoError(t, err)
		for _, r := range s.Run(engine, "TR") {
			require.False(t, r.Failed(), "%s: %s", r.Case, r.Message())
			require.Empty(t, r.Message())
		}
		r := run(t, "", "")
		require.Equal(t, markets.Conditional, r.Decision.Verdict)
	})

	t.Run("wrong verdict", func(t *testing.T) {
		r := run(t, "verdict: conditional", "verdict: clear")
		require.True(t, r.Failed())
		require.NoError(t, r.Err)
		msg := strings.ReplaceAll(r.Message(), "\u00a0", " ")
		require.Contains(t, msg, "decision differs (-want +got):\n")
		require.Regexp(t, `(?m)^- \s*Verdict: +"clear",\n\+ \s*Verdict: +"conditional",$`, msg)
		require.Contains(t, msg, "\ntrace:\n  verdict conditional (policy TR 0.0.1)\n")
	})

	t.Run("no such base shipment", func(t *testing.T) {
		r := run(t, "    shipment: base\n", "    shipment: nope\n")
		require.True(t, r.Failed())
		require.EqualError(t, r.Err, `no base shipment "nope"`)
		require.Equal(t, `no base shipment "nope"`, r.Message())
	})
}

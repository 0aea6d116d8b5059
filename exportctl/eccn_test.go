package exportctl

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseECCN(t *testing.T) {
	cases := []struct {
		in        string
		str       string
		category  int
		group     byte
		number    string
		paragraph string
		ear99, z  bool
		ac        bool
	}{
		{"3A090.a", "3A090.a", 3, 'A', "090", "a", false, false, true},
		{"4A090.a", "4A090.a", 4, 'A', "090", "a", false, false, true},
		{"4a090.B", "4A090.b", 4, 'A', "090", "b", false, false, true},
		{"5A002.a", "5A002.a", 5, 'A', "002", "a", false, false, false},
		{"5A992.c", "5A992.c", 5, 'A', "992", "c", false, false, false},
		{"5D002", "5D002", 5, 'D', "002", "", false, false, false},
		{"3A001.z", "3A001.z", 3, 'A', "001", "z", false, true, true},
		{"4A003.z.1.a", "4A003.z.1.a", 4, 'A', "003", "z.1.a", false, true, true},
		{"5A992.z", "5A992.z", 5, 'A', "992", "z", false, true, true},
		{"5A002a1", "5A002.a.1", 5, 'A', "002", "a.1", false, false, false},
		{"5A002.a1", "5A002.a.1", 5, 'A', "002", "a.1", false, false, false},
		{"4A003z1a", "4A003.z.1.a", 4, 'A', "003", "z.1.a", false, true, true},
		{"3A001.b.12", "3A001.b.12", 3, 'A', "001", "b.12", false, false, false},
		{" EAR99 ", "EAR99", -1, 0, "", "", true, false, false},
		{"ear99", "EAR99", -1, 0, "", "", true, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			e, err := ParseECCN(tc.in)
			require.NoError(t, err)
			require.True(t, e.IsValid())
			require.Equal(t, tc.str, e.String())
			require.Equal(t, tc.category, e.Category())
			require.Equal(t, tc.group, e.Group())
			require.Equal(t, tc.number, e.Number())
			require.Equal(t, tc.paragraph, e.Paragraph())
			require.Equal(t, tc.ear99, e.IsEAR99())
			require.Equal(t, tc.z, e.IsZ())
			require.Equal(t, tc.ac, e.IsAdvancedComputing())
			again, err := ParseECCN(e.String())
			require.NoError(t, err)
			require.Equal(t, e, again, "String round-trips")
		})
	}
}

func TestParseECCNErrors(t *testing.T) {
	for _, in := range []string{"", "EAR9", "5A02", "6F001", "XA001", "5A0O2", "5A002.", "5A002..a", "5A002.aa", "5A002.1", "5A002.a.01", "5A002.a.100", "5A002-a", "5A002.a.b", "５A002"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseECCN(in)
			require.Error(t, err)
			require.Contains(t, err.Error(), "malformed ECCN")
		})
	}
}

func TestECCNZeroAndJSON(t *testing.T) {
	var zero ECCN
	require.False(t, zero.IsValid())
	require.Equal(t, "", zero.String())
	require.Equal(t, -1, zero.Category())
	require.False(t, zero.IsAdvancedComputing())

	var got struct{ E ECCN }
	require.NoError(t, json.Unmarshal([]byte(`{"E":"5a002a1"}`), &got))
	require.Equal(t, MustParseECCN("5A002.a.1"), got.E)
	b, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, `{"E":"5A002.a.1"}`, string(b))
	require.Error(t, json.Unmarshal([]byte(`{"E":"nope"}`), &got))
	require.Panics(t, func() { MustParseECCN("nope") })
}

func FuzzParseECCN(f *testing.F) {
	for _, s := range []string{"3A090.a", "5A002a1", "EAR99", "4A003.z.1.a", "", "5A002..", "9E999.z.99.z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseECCN(s)
		if err != nil {
			return
		}
		again, err := ParseECCN(e.String())
		if err != nil || again != e {
			t.Fatalf("%q parsed to %q, which does not round-trip", s, e)
		}
	})
}

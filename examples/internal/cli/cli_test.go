package cli_test

import (
	"flag"
	"io"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/examples/internal/cli"
	"github.com/stretchr/testify/require"
)

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args       []string
		positional []string
		format     string
	}{
		{[]string{"-format", "text", "a.json"}, []string{"a.json"}, "text"},
		{[]string{"a.json", "-format", "text"}, []string{"a.json"}, "text"},
		{[]string{"a.json", "b.json", "-format", "text"}, []string{"a.json", "b.json"}, "text"},
		{[]string{"-format", "text", "--", "-odd.json"}, []string{"-odd.json"}, "text"},
		{nil, nil, "json"},
	}
	for _, tt := range tests {
		fset := flag.NewFlagSet("t", flag.ContinueOnError)
		fset.SetOutput(io.Discard)
		format := fset.String("format", "json", "")
		got, err := cli.ParseInterspersed(fset, tt.args)
		require.NoError(t, err)
		require.Equal(t, tt.positional, got, "%q", tt.args)
		require.Equal(t, tt.format, *format)
	}
	fset := flag.NewFlagSet("t", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	_, err := cli.ParseInterspersed(fset, []string{"a.json", "-bogus"})
	require.Error(t, err)
}

func TestSelectMarkets(t *testing.T) {
	loaded := []iorules.Country{"BR", "SA", "TR"}
	tests := []struct {
		spec string
		want []iorules.Country
		list bool
		err  *cli.MarketError
	}{
		{"", []iorules.Country{"TR"}, false, nil},
		{"all", loaded, true, nil},
		{"sa", []iorules.Country{"SA"}, false, nil},
		{"tr, BR,tr", []iorules.Country{"TR", "BR"}, true, nil},
		{"FR,XX", nil, false, &cli.MarketError{Unknown: []string{"FR", "XX"}}},
		{" , ", nil, false, &cli.MarketError{Empty: true}},
	}
	for _, tt := range tests {
		got, list, err := cli.SelectMarkets(tt.spec, "TR", loaded)
		require.Equal(t, tt.err, err, tt.spec)
		require.Equal(t, tt.want, got, tt.spec)
		require.Equal(t, tt.list, list, tt.spec)
	}
	_, _, err := cli.SelectMarkets("", "FR", loaded)
	require.Equal(t, &cli.MarketError{NoDestination: "FR"}, err)
	require.Equal(t, "BR, SA, TR", cli.JoinMarkets(loaded))
}

// Package cli holds what the example commands (prequalify, policy, server)
// share: flags that may follow the arguments, and the choice of markets to
// evaluate. It is not a general command-line library.
package cli

import (
	"flag"
	"slices"
	"strings"

	"github.com/iorules/iorules"
)

// ParseInterspersed parses args with fset and returns the positional
// arguments, allowing flags after them (prequalify FILE -format text): the
// flag package stops at the first argument, so it is set aside and what
// follows is parsed, until only arguments are left. After "--" everything
// is positional. A parse error is fset.Parse's (the flag set has printed
// it and the usage).
func ParseInterspersed(fset *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for rest := args; len(rest) > 0; {
		if err := fset.Parse(rest); err != nil {
			return nil, err
		}
		left := fset.Args()
		if consumed := len(rest) - len(left); consumed > 0 && rest[consumed-1] == "--" {
			positional = append(positional, left...)
			break
		}
		if len(left) == 0 {
			break
		}
		positional = append(positional, left[0])
		rest = left[1:]
	}
	return positional, nil
}

// MarketError says why a market selection failed; each command words it
// for its own interface.
type MarketError struct {
	// NoDestination is set when no market was named and the shipment's
	// destination has no policy.
	NoDestination iorules.Country
	// Unknown lists the named markets that have no policy.
	Unknown []string
	// Empty is set when the list named no market at all.
	Empty bool
}

// SelectMarkets resolves a market selection: "" is the destination, "all"
// every loaded market, "XX,YY" a list (upper-cased, without repeats, in
// the order given). list reports whether the answer is a list (all, or a
// comma), which the commands print as an array.
func SelectMarkets(spec string, destination iorules.Country, loaded []iorules.Country) (markets []iorules.Country, list bool, err *MarketError) {
	spec = strings.TrimSpace(spec)
	switch {
	case spec == "":
		if !slices.Contains(loaded, destination) {
			return nil, false, &MarketError{NoDestination: destination}
		}
		return []iorules.Country{destination}, false, nil
	case strings.EqualFold(spec, "all"):
		return loaded, true, nil
	}
	list = strings.Contains(spec, ",")
	var unknown []string
	for part := range strings.SplitSeq(spec, ",") {
		code := strings.ToUpper(strings.TrimSpace(part))
		m := iorules.Country(code)
		switch {
		case code == "":
		case !slices.Contains(loaded, m):
			unknown = append(unknown, code)
		case !slices.Contains(markets, m):
			markets = append(markets, m)
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, false, &MarketError{Unknown: unknown}
	case len(markets) == 0:
		return nil, false, &MarketError{Empty: true}
	}
	return markets, list, nil
}

// JoinMarkets writes markets as "BR, TR".
func JoinMarkets(ms []iorules.Country) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, ", ")
}

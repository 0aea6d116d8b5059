package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
)

// readRollout decodes the rollout in file ("-" for stdin) with the engine's
// checks. Validation problems become exit status 1, one line per problem.
func readRollout(file string, stdin io.Reader, checks []iorules.Check) (markets.Rollout, error) {
	var r io.Reader = stdin
	name := "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return markets.Rollout{}, fail(exitFailure, "prequalify: -rollout: %v", err)
		}
		defer f.Close()
		r, name = f, file
	}
	ro, err := markets.DecodeRollout(r, checks...)
	if err == nil {
		return ro, nil
	}
	if fes := iorules.FieldErrors(err); len(fes) > 0 {
		return markets.Rollout{}, invalidShipment(fes)
	}
	return markets.Rollout{}, fail(exitFailure, "prequalify: -rollout %s: %v", name, err)
}

// rollout evaluates the rollout in cfg.rollout and returns the bytes to
// print: the RolloutResult as JSON, or the text summary.
func rollout(cfg config, stdin io.Reader, evalOpts []markets.EvalOption, loaded loadedEngine) ([]byte, error) {
	ro, err := readRollout(cfg.rollout, stdin, loaded.checks())
	if err != nil {
		return nil, err
	}
	engine, err := loaded.engine, loaded.err
	if err != nil {
		return nil, err
	}
	res, err := engine.Rollout(ro, evalOpts...)
	if err != nil {
		if fes := iorules.FieldErrors(err); len(fes) > 0 {
			return nil, invalidShipment(fes)
		}
		var unknown *markets.UnknownMarketError
		if errors.As(err, &unknown) {
			return nil, fail(exitFailure, "prequalify: -rollout: %v (loaded: %s)", err, joinMarkets(engine.Markets()))
		}
		return nil, fail(exitFailure, "prequalify: -rollout: %v", err)
	}
	var buf bytes.Buffer
	if cfg.format == "text" || cfg.format == "summary" {
		// A rollout's report is already one line per market.
		err = writeRolloutText(&buf, res)
	} else {
		var b []byte
		if b, err = json.MarshalIndent(res, "", "  "); err == nil {
			buf.Write(append(b, '\n'))
		}
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeRolloutText renders a rollout in one screen: a table with a row per
// market (verdict, landed cost in the market's and the shipment's currency,
// earliest ship date, the approvals still missing), then which markets can
// move together, then why the declined markets decline.
func writeRolloutText(w io.Writer, res markets.RolloutResult) error {
	p := &printer{w: w}
	p.line("ROLLOUT  shipment %s, as of %s, %s, shipment currency %s",
		res.ShipmentID, res.AsOf, plural(len(res.Markets), "market", "markets"), res.Currency)
	p.line("")
	rows := [][]string{{"Market", "Verdict", "Landed cost", "in " + string(res.Currency), "Ship from", "Missing approvals"}}
	marked := map[iorules.Country]bool{}
	for _, mr := range res.Markets {
		verdict := strings.ToUpper(string(mr.Verdict))
		if mr.Verdict != markets.Decline && len(mr.OpenConditions) > 0 {
			verdict += "+"
			marked[mr.Market] = true
		}
		landed, back := "not computed", "not computed"
		if mr.LandedCost != nil {
			landed = string(mr.Currency) + " " + fixed(*mr.LandedCost, mr.Currency)
		}
		if mr.LandedCostInShipmentCurrency != nil {
			back = fixed(*mr.LandedCostInShipmentCurrency, mr.ShipmentCurrency)
		}
		ship := mr.EarliestShipDate.String()
		switch {
		case mr.Verdict == markets.Decline:
			ship = "-"
		case mr.ShipDateUnknown:
			ship = "unknown"
		}
		missing := []string{"-"}
		if len(mr.MissingApprovals) > 0 {
			missing = missing[:0]
			for _, a := range mr.MissingApprovals {
				missing = append(missing, missingText(a))
			}
		}
		rows = append(rows, []string{string(mr.Market), verdict, landed, back, ship, missing[0]})
		for _, m := range missing[1:] {
			rows = append(rows, []string{"", "", "", "", "", m})
		}
	}
	p.table("  ", rows, 3)
	p.para("  ", fmt.Sprintf("Landed cost in the market's currency, and in %s at the market's exchange rate (rounded to the minor unit, for comparison only). Ship from: the earliest date given the lead times of the missing approvals that hold the cargo.", res.Currency))
	if len(marked) > 0 {
		p.line("  + open conditions besides approvals:")
		for _, mr := range res.Markets {
			if marked[mr.Market] {
				p.para(fmt.Sprintf("    %s: ", mr.Market), strings.Join(mr.OpenConditions, ", "))
			}
		}
	}

	sum := res.Summary
	p.line("")
	p.line("Markets that can move together")
	names := func(ms []iorules.Country) string {
		parts := make([]string, len(ms))
		for i, m := range ms {
			parts[i] = string(m)
			if marked[m] {
				parts[i] += "+"
			}
		}
		return strings.Join(parts, ", ")
	}
	for _, g := range sum.Together {
		p.para(fmt.Sprintf("  from %s:  ", g.Date), names(g.Markets))
	}
	if len(sum.DateUnknown) > 0 {
		p.para("  date unknown:     ", names(sum.DateUnknown)+" (a missing approval has no known lead time)")
	}
	if len(sum.Together) == 0 && len(sum.DateUnknown) == 0 {
		p.line("  None: every market declines.")
	}
	if len(sum.Declined) > 0 {
		p.line("")
		p.line("Declined")
		for _, dm := range sum.Declined {
			p.para(fmt.Sprintf("  - %s: ", dm.Market), dm.Reason.Message)
			p.para("    ", reasonTag(dm.Reason))
			if dm.Reason.Unblock != "" {
				p.para("    Unblock: ", dm.Reason.Unblock)
			}
		}
	}
	return p.err
}

// missingText is one missing approval in the rollout table.
func missingText(a markets.MissingApproval) string {
	s := a.ID + ", lead time unknown"
	if a.LeadTimeDays != nil {
		s = a.ID + ", " + plural(*a.LeadTimeDays, "day", "days")
	}
	if a.Status == approvals.StatusExpired {
		s += ", expired"
	}
	if !a.HoldsCargo {
		s += ", after clearance"
	}
	return s
}

// fixed writes an amount with the minor-unit places of its currency.
func fixed(x decimal.Decimal, c iorules.Currency) string { return x.StringFixed(c.MinorUnits()) }

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iorules/iorules"
)

// maxTablesBytes caps the -tables file.
const maxTablesBytes = 16 << 20

// describe prints what the policy of -describe XX knows, as a JSON object
// or, with -format text, a list for a person.
func describe(cfg config) ([]byte, error) {
	engine, err := loadEngine(cfg.policies, cfg.tables)
	if err != nil {
		return nil, err
	}
	market, err := iorules.ParseCountry(strings.ToUpper(strings.TrimSpace(cfg.describe)))
	if err != nil {
		return nil, fail(exitFailure, "prequalify: -describe: %v", err)
	}
	d, ok := engine.Describe(market)
	if !ok {
		return nil, fail(exitFailure, "prequalify: -describe: no policy for market %s (markets: %s)", market, joinMarkets(engine.Markets()))
	}
	var buf bytes.Buffer
	if cfg.format != "text" {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	p := &printer{w: &buf}
	to := "(open)"
	if !d.EffectiveTo.IsZero() {
		to = d.EffectiveTo.String()
	}
	p.line("%s  %s  policy %s, %s to %s, amounts in %s", d.Market, d.Name, d.Version, d.EffectiveFrom, to, d.Currency)
	p.line("")
	p.line("Approvals a line may hold (items[].approvals_held[].id)")
	for _, a := range d.Approvals {
		what := a.Title
		if a.Authority != "" {
			what = a.Authority + ": " + a.Title
		}
		if what == "" {
			what = "read by the policy's rules"
		}
		if a.LeadTimeDays != nil {
			what += fmt.Sprintf(" (about %d days)", *a.LeadTimeDays)
		}
		p.para("  ", a.ID+"  "+what)
	}
	p.line("")
	p.para("Registrations of the importer of record (importer_of_record.registrations[].scheme): ", orNone(d.Registrations))
	p.para("Documents the policy asks for (documents[].type): ", orNone(d.Documents))
	p.line("")
	p.line("Tables (keys; add rows of your own with -tables)")
	for _, t := range d.Tables {
		p.para("  ", fmt.Sprintf("%s (%s): %s", t.Name, t.Match, orNone(t.Keys)))
	}
	p.line("")
	p.line("Taxes, in chain order")
	for _, t := range d.Taxes {
		s := t.ID + "  " + t.Name
		if t.Informational {
			s += " (informational)"
		}
		if !t.EffectiveFrom.IsZero() || !t.EffectiveTo.IsZero() {
			s += fmt.Sprintf(" [%s to %s]", orOpenDate(t.EffectiveFrom), orOpenDate(t.EffectiveTo))
		}
		p.para("  ", s)
	}
	p.line("")
	p.line("Rules")
	for _, r := range d.Rules {
		p.para("  ", fmt.Sprintf("%s (%s%s)", r.ID, r.Kind, codeSuffix(r.Code)))
	}
	return buf.Bytes(), nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func orOpenDate(d iorules.Date) string {
	if d.IsZero() {
		return "open"
	}
	return d.String()
}

func codeSuffix(code string) string {
	if code == "" {
		return ""
	}
	return ", " + code
}

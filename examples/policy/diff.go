package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/examples/internal/cli"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
)

// maxShipmentBytes bounds a shipment file, as prequalify does for its
// inputs.
const maxShipmentBytes = 16 << 20

// change is what the new policies change in the decision of one shipment
// for one market. Fields left empty did not change.
type change struct {
	// File is the shipment file, as named on the command line or found in
	// a directory named there.
	File       string `json:"file"`
	ShipmentID string `json:"shipment_id"`
	Market     string `json:"market"`
	// Policy is set when only one of the policy sets has a policy for the
	// market: "only in old" or "only in new".
	Policy         string         `json:"policy,omitempty"`
	Verdict        *valueChange   `json:"verdict,omitempty"`
	Approvals      []idChange     `json:"approvals,omitempty"`
	Taxes          []taxChange    `json:"taxes,omitempty"`
	TotalTaxes     *valueChange   `json:"total_taxes,omitempty"`
	ReasonsAdded   []reasonChange `json:"reasons_added,omitempty"`
	ReasonsRemoved []reasonChange `json:"reasons_removed,omitempty"`
}

// valueChange is a value before and after; "" is absent.
type valueChange struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// idChange is an approval whose status changed; "" is absent.
type idChange struct {
	ID  string `json:"id"`
	Old string `json:"old"`
	New string `json:"new"`
}

// taxChange is a tax whose rate or amount changed; a tax in one decision
// only has the other side empty.
type taxChange struct {
	ID     string       `json:"id"`
	Rate   *valueChange `json:"rate,omitempty"`
	Amount *valueChange `json:"amount,omitempty"`
	OnlyIn string       `json:"only_in,omitempty"` // "old" or "new"
}

// reasonChange is a reason present in one decision and not the other,
// matched by code, rule and lines.
type reasonChange struct {
	Code     string `json:"code"`
	Rule     string `json:"rule,omitempty"`
	Lines    []int  `json:"lines,omitempty"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// diffCommand is policy diff.
func diffCommand(args []string, stdout, stderr io.Writer) (int, error) {
	fset := newFlagSet("diff", "diff -old DIR -new DIR [-market all|XX,YY] [-format text|json] SHIPMENT...", stderr)
	oldDir := fset.String("old", "", "the policies before the update (`DIR`)")
	newDir := fset.String("new", "", "the policies after the update (`DIR`)")
	marketFlag := fset.String("market", "", "markets to compare: `XX`, all, or XX,YY; default each shipment's destination")
	format := fset.String("format", "text", "output `format`: text or json")
	positional, err := parseInterspersed(fset, args)
	if err != nil {
		return 0, err
	}
	switch {
	case *oldDir == "" || *newDir == "":
		return 0, usageError(fset, "diff needs both -old DIR and -new DIR")
	case *format != "text" && *format != "json":
		return 0, usageError(fset, "-format must be text or json, not %q", *format)
	case len(positional) == 0:
		return 0, usageError(fset, "diff needs at least one SHIPMENT file or directory")
	}
	oldEngine, err := loadEngine(*oldDir)
	if err != nil {
		return 0, err
	}
	newEngine, err := loadEngine(*newDir)
	if err != nil {
		return 0, err
	}
	files, err := shipmentFiles(positional, stderr)
	if err != nil {
		return 0, err
	}
	loaded := union(oldEngine.Markets(), newEngine.Markets())
	var changes []change
	for _, file := range files {
		s, err := readShipment(file)
		if err != nil {
			return 0, err
		}
		targets, err := selectMarkets(*marketFlag, s, loaded)
		if err != nil {
			return 0, fail("%s: %v", file, err)
		}
		for _, m := range targets {
			oldD, err := evaluate(oldEngine, m, s)
			if err != nil {
				return 0, fail("%s: market %s, old policies: %v", file, m, err)
			}
			newD, err := evaluate(newEngine, m, s)
			if err != nil {
				return 0, fail("%s: market %s, new policies: %v", file, m, err)
			}
			if c, changed := compare(oldD, newD); changed {
				c.File, c.ShipmentID, c.Market = file, s.ID, string(m)
				changes = append(changes, c)
			}
		}
	}
	var out bytes.Buffer
	if *format == "json" {
		if changes == nil {
			changes = []change{}
		}
		b, err := json.MarshalIndent(struct {
			Changes []change `json:"changes"`
		}{changes}, "", "  ")
		if err != nil {
			return 0, fail("%v", err)
		}
		out.Write(append(b, '\n'))
	} else {
		for _, c := range changes {
			writeChange(&out, c)
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return 0, fail("writing output: %v", err)
	}
	if len(changes) > 0 {
		return exitFound, nil
	}
	return exitOK, nil
}

// shipmentFiles expands the arguments: a file is itself, a directory its
// *.json files in name order. A rollout file met in a directory is not a
// shipment and is skipped with a note on stderr.
func shipmentFiles(args []string, stderr io.Writer) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, fail("%v", err)
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(a, "*.json"))
		if err != nil {
			return nil, fail("%v", err)
		}
		for _, m := range matches {
			if isRollout(m) {
				fmt.Fprintf(stderr, "policy: skipping %s: a rollout, not a shipment\n", m)
				continue
			}
			out = append(out, m)
		}
		if len(matches) == 0 {
			return nil, fail("%s holds no *.json shipment files", a)
		}
	}
	return out, nil
}

func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxShipmentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxShipmentBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxShipmentBytes)
	}
	return data, nil
}

func isRollout(name string) bool {
	data, err := readFile(name)
	if err != nil {
		return false
	}
	_, err = markets.DecodeRollout(bytes.NewReader(data))
	return err == nil
}

// readShipment decodes one shipment file; an invalid shipment is a
// failure listing every problem.
func readShipment(name string) (iorules.Shipment, error) {
	data, err := readFile(name)
	if err != nil {
		return iorules.Shipment{}, fail("%v", err)
	}
	s, err := iorules.DecodeShipment(bytes.NewReader(data))
	if err == nil {
		return s, nil
	}
	f := &failure{code: exitFailure}
	if fes := iorules.FieldErrors(err); len(fes) > 0 {
		for _, fe := range fes {
			f.lines = append(f.lines, fmt.Sprintf("policy: %s: %v", name, fe))
		}
		return iorules.Shipment{}, f
	}
	return iorules.Shipment{}, fail("%s: %v", name, err)
}

// selectMarkets resolves -market for one shipment: its destination by
// default, every market of either policy set with all, or a list.
func selectMarkets(spec string, s iorules.Shipment, loaded []iorules.Country) ([]iorules.Country, error) {
	out, _, merr := cli.SelectMarkets(spec, s.Destination, loaded)
	switch {
	case merr == nil:
		return out, nil
	case merr.NoDestination != "":
		return nil, fmt.Errorf("no policy for the destination market %s in either set; use -market", s.Destination)
	case merr.Empty:
		return nil, fmt.Errorf("-market: no market named in %q", spec)
	}
	return nil, fmt.Errorf("-market: no policy for %s in either set", strings.Join(merr.Unknown, ", "))
}

func union(a, b []iorules.Country) []iorules.Country {
	out := slices.Clone(a)
	for _, m := range b {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}

// evaluate returns the decision of engine for m, or nil when engine has no
// policy for m.
func evaluate(engine *markets.Engine, m iorules.Country, s iorules.Shipment) (*markets.Decision, error) {
	d, err := engine.PrequalifyMarket(m, s)
	var unknown *markets.UnknownMarketError
	if errors.As(err, &unknown) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// compare lists what differs between the old and new decisions.
func compare(oldD, newD *markets.Decision) (change, bool) {
	var c change
	switch {
	case oldD == nil && newD == nil:
		return c, false
	case oldD == nil:
		c.Policy = "only in new"
		oldD = &markets.Decision{}
	case newD == nil:
		c.Policy = "only in old"
		newD = &markets.Decision{}
	}
	if oldD.Verdict != newD.Verdict {
		c.Verdict = &valueChange{string(oldD.Verdict), string(newD.Verdict)}
	}
	c.Approvals = compareApprovals(oldD, newD)
	c.Taxes = compareTaxes(oldD.Taxes, newD.Taxes)
	if o, n := totalText(oldD), totalText(newD); o != n {
		c.TotalTaxes = &valueChange{o, n}
	}
	c.ReasonsRemoved = reasonsMissing(oldD.Reasons, newD.Reasons)
	c.ReasonsAdded = reasonsMissing(newD.Reasons, oldD.Reasons)
	changed := c.Policy != "" || c.Verdict != nil || len(c.Approvals) > 0 || len(c.Taxes) > 0 ||
		c.TotalTaxes != nil || len(c.ReasonsAdded) > 0 || len(c.ReasonsRemoved) > 0
	return c, changed
}

func compareApprovals(oldD, newD *markets.Decision) []idChange {
	status := func(d *markets.Decision) map[string]string {
		m := map[string]string{}
		for _, a := range d.Approvals {
			m[a.ID] = string(a.Status)
		}
		return m
	}
	o, n := status(oldD), status(newD)
	var out []idChange
	for _, id := range sortedKeys(o, n) {
		if o[id] != n[id] {
			out = append(out, idChange{ID: id, Old: o[id], New: n[id]})
		}
	}
	return out
}

func compareTaxes(oldT, newT []markets.Tax) []taxChange {
	find := func(ts []markets.Tax, id string) *markets.Tax {
		if i := slices.IndexFunc(ts, func(t markets.Tax) bool { return t.ID == id }); i >= 0 {
			return &ts[i]
		}
		return nil
	}
	// Chain order: the old chain, then taxes only the new one has.
	var ids []string
	for _, t := range append(slices.Clone(oldT), newT...) {
		if !slices.Contains(ids, t.ID) {
			ids = append(ids, t.ID)
		}
	}
	var out []taxChange
	for _, id := range ids {
		o, n := find(oldT, id), find(newT, id)
		tc := taxChange{ID: id}
		switch {
		case o == nil:
			tc.OnlyIn = "new"
			tc.Rate, tc.Amount = &valueChange{"", decText(n.Rate)}, &valueChange{"", amountText(n)}
		case n == nil:
			tc.OnlyIn = "old"
			tc.Rate, tc.Amount = &valueChange{decText(o.Rate), ""}, &valueChange{amountText(o), ""}
		default:
			if !sameDec(o.Rate, n.Rate) {
				tc.Rate = &valueChange{decText(o.Rate), decText(n.Rate)}
			}
			if !o.Amount.Equal(n.Amount) || o.Partial != n.Partial {
				tc.Amount = &valueChange{amountText(o), amountText(n)}
			}
			if tc.Rate == nil && tc.Amount == nil {
				continue
			}
		}
		out = append(out, tc)
	}
	return out
}

func sameDec(a, b *decimal.Decimal) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// decText prints a rate; "" when the tax has none (not one rate for every
// group, or an amount).
func decText(d *decimal.Decimal) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func amountText(t *markets.Tax) string {
	s := t.Amount.StringFixed(2)
	if t.Partial {
		s += " (partial)"
	}
	return s
}

// totalText is the decision's total taxes, or its partial total marked so.
func totalText(d *markets.Decision) string {
	switch {
	case d.TotalTaxes != nil:
		return d.TotalTaxes.StringFixed(2)
	case d.PartialTotalTaxes != nil:
		return d.PartialTotalTaxes.StringFixed(2) + " (partial)"
	}
	return ""
}

// reasonsMissing lists the reasons of a that b lacks, matched by code,
// rule and lines and counted (two equal reasons in a need two in b).
func reasonsMissing(a, b []iorules.Reason) []reasonChange {
	key := func(r iorules.Reason) string { return fmt.Sprintf("%s|%s|%v", r.Code, r.Rule, r.Lines) }
	left := map[string]int{}
	for _, r := range b {
		left[key(r)]++
	}
	var out []reasonChange
	for _, r := range a {
		if k := key(r); left[k] > 0 {
			left[k]--
			continue
		}
		out = append(out, reasonChange{Code: r.Code, Rule: r.Rule, Lines: r.Lines, Severity: string(r.Severity), Message: r.Message})
	}
	return out
}

func sortedKeys(maps ...map[string]string) []string {
	var out []string
	for _, m := range maps {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// writeChange prints one shipment and market's changes:
//
//	br-servers-sp.json BR-2026-001 BR:
//	  tax br.icms: rate 0.18 -> 0.2, amount 1234.56 -> 1402.33
//	  total taxes: 5000.00 -> 5167.77
func writeChange(w io.Writer, c change) {
	fmt.Fprintf(w, "%s %s %s:\n", c.File, c.ShipmentID, c.Market)
	if c.Policy != "" {
		fmt.Fprintf(w, "  policy: %s\n", c.Policy)
	}
	if c.Verdict != nil {
		fmt.Fprintf(w, "  verdict: %s\n", arrow(*c.Verdict))
	}
	for _, a := range c.Approvals {
		fmt.Fprintf(w, "  approval %s: %s\n", a.ID, arrow(valueChange{a.Old, a.New}))
	}
	for _, t := range c.Taxes {
		var parts []string
		if t.Rate != nil {
			parts = append(parts, "rate "+arrow(*t.Rate))
		}
		if t.Amount != nil {
			parts = append(parts, "amount "+arrow(*t.Amount))
		}
		fmt.Fprintf(w, "  tax %s: %s\n", t.ID, strings.Join(parts, ", "))
	}
	if c.TotalTaxes != nil {
		fmt.Fprintf(w, "  total taxes: %s\n", arrow(*c.TotalTaxes))
	}
	for _, r := range c.ReasonsRemoved {
		fmt.Fprintf(w, "  - reason %s\n", reasonText(r))
	}
	for _, r := range c.ReasonsAdded {
		fmt.Fprintf(w, "  + reason %s\n", reasonText(r))
	}
}

func arrow(v valueChange) string {
	none := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return s
	}
	return none(v.Old) + " -> " + none(v.New)
}

func reasonText(r reasonChange) string {
	s := r.Severity + " " + r.Code
	if r.Rule != "" {
		s += " [" + r.Rule + "]"
	}
	if len(r.Lines) > 0 {
		s += fmt.Sprintf(" lines %v", r.Lines)
	}
	return s + ": " + r.Message
}

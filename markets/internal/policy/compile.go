package policy

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/ast"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/valuation"
	"go.yaml.in/yaml/v3"
)

// Issue is one problem found while loading a policy, at a place in its
// file (markets.Issue).
type Issue struct {
	File string
	Line int
	Col  int
	Rule string // the rule, tax or table concerned; "" for the policy itself
	Msg  string
}

// Cost bounds. Expressions are estimated statically at load with shipments
// of at most MaxLines lines; an item-scope expression runs once per line, so
// its estimate is multiplied by MaxLines.
const (
	// MaxLines is the largest shipment the cost estimate assumes. It is
	// iorules.MaxItems, the most lines a valid shipment has, so that the
	// bound holds for every shipment Prequalify accepts.
	MaxLines = iorules.MaxItems
	// maxExpressionCost bounds one evaluation of one expression.
	maxExpressionCost = 1_000_000
	// maxPerShipmentCost bounds one expression over a whole shipment.
	maxPerShipmentCost = 20_000_000
)

// Kinds of rules (Rule.Kind).
const (
	KindApproval  = "approval"
	KindDecline   = "decline"
	KindCondition = "condition"
	KindInfo      = "info"
	KindImporter  = "importer"
)

// Scopes of rules (item, shipment) and taxes (group, declaration).
const (
	ScopeItem        = "item"
	ScopeShipment    = "shipment"
	ScopeGroup       = "group"
	ScopeDeclaration = "declaration"
)

// Fields a declaration may group lines by (see appendGroupKey).
var groupFields = []string{"line", "hs_code", "hs6", "country_of_origin", "tariff_exemption", "category", "condition"}

// notGroupable are the item fields, by JSON key, that group_by does not
// take, with why. An item field is either in groupFields or listed here
// (TestGroupFieldsCoverItem).
var notGroupable = map[string]string{
	"sku":              "a seller's part number does not decide a tariff treatment; group by hs_code",
	"model":            "certificates name models, but a declaration item is a tariff treatment; group by hs_code",
	"description":      "free text",
	"quantity":         "lines of any quantity share a declaration item",
	"unit_value":       "lines of any price share a declaration item",
	"net_weight_kg":    "lines of any weight share a declaration item",
	"radio":            "a regulatory attribute, tested in item-scope rules",
	"encryption":       "an export-control attribute, tested in item-scope rules",
	"eccn":             "an export-control classification, tested in item-scope rules",
	"tpp":              "an export-control figure, tested in item-scope rules",
	"power_rating_kva": "a regulatory figure, tested in item-scope rules",
	"approvals_held":   "held approvals are tested per line (held())",
}

// Policy is a compiled market policy.
//
// The exported fields are what the policy file declares, for the caller to
// describe; nothing reads them while the policy evaluates but Tables,
// which a caller may extend with MergeRows before the first evaluation.
type Policy struct {
	// File is the policy's file name; Digest the SHA-256 of its bytes,
	// set by the caller.
	File   string
	Digest string
	// Market, Name, Currency, Version and the window are the policy's
	// header; Basis is its valuation basis.
	Market        iorules.Country
	Name          string
	Currency      iorules.Currency
	Version       string
	EffectiveFrom iorules.Date
	EffectiveTo   iorules.Date
	Basis         valuation.Basis
	// BasisSource cites the law the valuation basis rests on; empty when
	// the policy cites none.
	BasisSource string
	groupBy     []string
	halfEven    bool
	// NotEvaluated lists what the policy says it does not check.
	NotEvaluated []string
	// Subdivisions is what the policy needs of the destination
	// subdivision; the zero value asks for nothing.
	Subdivisions Subdivisions
	// Tables are the policy's tables by name; Rules and Taxes are in
	// policy (chain) order.
	Tables map[string]*Table
	Rules  []*Rule
	Taxes  []*Tax
	// taxNames are the short names of taxes, in chain order: the keys of
	// the CEL `tax` map.
	taxNames []string
	// classFields are the item fields (or helpers' reads) that item-scope
	// conditions depend on alone, each once, and classKeys the functions
	// that write each one's value into a key; classSetFields are the
	// distinct sets of them such conditions read (class sets), as indexes
	// into classFields.
	classFields    []string
	classKeys      []keyFunc
	classSetFields [][]int
	// KnownApprovals and KnownSchemes are the approval ids and
	// registration schemes the policy reads (approval rules, held() and
	// registered() arguments), sorted, to tell a caller which of the
	// shipment's ids it does not know.
	KnownApprovals []string
	KnownSchemes   []string
	// KnownDocuments are the document types has_document() asks for.
	KnownDocuments []string
}

// appendKnown adds id to the sorted set ids.
func appendKnown(ids []string, id string) []string {
	i, found := slices.BinarySearch(ids, id)
	if found || id == "" {
		return ids
	}
	return slices.Insert(ids, i, id)
}

// Rule is a compiled rule. Its exported fields are as the policy declares
// them, with the defaults of its kind applied.
type Rule struct {
	ID            string
	Kind          string
	Scope         string
	when          *program
	Approval      approvals.Requirement
	Code          string
	message       string
	messageExpr   *program
	Unblock       string
	Source        string
	EffectiveFrom iorules.Date
	EffectiveTo   iorules.Date
	Confidence    iorules.Confidence
	// classSet, when not -1, indexes policy.classSetFields: the item fields
	// the condition reads, all it reads of the line (see memo.go).
	classSet int
	// whenParts are the parts of the condition joined by && or ||, for
	// the explanation.
	whenParts *exprParts
	// UnconfirmedNote, for a rule the policy marks unconfirmed, is what a
	// decision says when it fires; "" for a confirmed rule.
	UnconfirmedNote string
}

// Tax is a compiled tax or fee of the chain. Its exported fields are as the
// policy declares them; WhenText is the condition as written.
type Tax struct {
	ID            string
	short         string
	Name          string
	Scope         string
	when, rate    *program
	base, amount  *program
	HalfEven      bool
	Informational bool
	rateOnce      bool // the rate is the same for every group
	whenOnce      bool // the condition is the same for every group
	Source        string
	EffectiveFrom iorules.Date
	EffectiveTo   iorules.Date
	Confidence    iorules.Confidence
	// reads are the short names of the earlier taxes its expressions
	// read; readsAll is set when one reads the tax map as a whole.
	reads    []string
	readsAll bool
	// WhenText is the condition as written and baseParts the terms the
	// base adds up, for the explanation.
	WhenText  string
	baseParts *exprParts
	// UnconfirmedNote, for a tax the policy marks unconfirmed, is what a
	// decision says of every figure of it; "" for a confirmed tax.
	UnconfirmedNote string
}

// dependsOn reports whether t reads the earlier tax named short.
func (t *Tax) dependsOn(short string) bool {
	return t.readsAll || slices.Contains(t.reads, short)
}

// InWindow reports whether d is within from..to, a zero bound being open.
func InWindow(d, from, to iorules.Date) bool {
	return iorules.Window{From: from, To: to}.Covers(d)
}

// exprScope is where an expression runs, which decides what it may read.
type exprScope struct {
	// allowed are the variables bound where it runs.
	allowed []string
	// perLine: it runs once per line (or per declaration group), so its
	// cost is multiplied by MaxLines.
	perLine bool
	// earlier lists the short names of the taxes before the one being
	// compiled, which its expressions may read as tax.<name>.
	earlier []string
	// groupBy, when not nil, is the group_by of the policy whose
	// group-scope tax is being compiled: such an expression runs once per
	// declaration group with the group's first line bound, so it may read
	// only item fields that every line of the group shares.
	groupBy []string
}

// analysis is what compiling an expression found out about it, from its
// checked AST.
type analysis struct {
	// readsItem: it reads the current item, line or taxes, directly or
	// through a helper that reads the current line (contextFunction
	// readsItem), so its value may differ between lines or groups.
	readsItem bool
	// itemFields are the class-key fields it reads of the current line,
	// sorted; memoOK reports whether those are all it reads of the line,
	// so that its value is the same on every line that has the same
	// values of them (see memo.go).
	itemFields []string
	memoOK     bool
	// taxReads are the short names of the earlier taxes it reads;
	// taxReadsAll is set when it reads the tax map as a whole.
	taxReads    []string
	taxReadsAll bool
	// scanOnce and scanMax bound the rows its hs_prefix lookups scan
	// below a code: over a whole shipment, and in one evaluation.
	scanOnce, scanMax uint64
}

// compiler gathers the issues of one policy file.
type compiler struct {
	env    *Environment
	file   string
	issues []Issue
	lines  []string // the file's lines, to find block scalars' indentation
	// dropped counts the issues past maxIssues; firstDropped is the first.
	dropped      int
	firstDropped Issue
}

// maxIssues caps the issues listed for one policy file: a hostile file
// could otherwise have millions (one per duplicate table row); the rest
// are counted in one last issue.
const maxIssues = 100

// Subdivisions is what a market needs of the shipment's destination
// subdivision, as its policy declares it (destination_subdivision).
type Subdivisions struct {
	// Required: the market's taxes depend on the subdivision, so a shipment
	// must name one.
	Required bool
	// Codes are the subdivisions the policy knows, in policy order; empty
	// when it accepts any of the market's.
	Codes []iorules.Subdivision
	// Example is the code error messages show.
	Example iorules.Subdivision
}

// Check returns what is wrong with a shipment's destination subdivision
// sub for the market, or "": the shipment goes to market and names sub, ""
// or a well-formed subdivision of market (iorules.SubdivisionCheck).
func (n Subdivisions) Check(market iorules.Country, sub iorules.Subdivision) string {
	switch {
	case sub == "" && n.Required:
		return fmt.Sprintf("required: the taxes of %s depend on it (an ISO 3166-2 code such as %q)", market, n.Example)
	case sub != "" && len(n.Codes) > 0 && !slices.Contains(n.Codes, sub):
		return fmt.Sprintf("unknown subdivision %q of %s (want a code such as %q)", sub, market, n.Example)
	}
	return ""
}

// subdivisions compiles the policy's destination_subdivision block.
func (c *compiler) subdivisions(spec *subdivisionSpec, market iorules.Country) Subdivisions {
	if spec == nil {
		return Subdivisions{}
	}
	n := Subdivisions{Required: spec.Required}
	for _, code := range spec.Codes {
		sub := iorules.Subdivision(code.value)
		switch {
		case !sub.IsValid() || sub.Country() != market:
			c.errorf(code.pos, "", "destination_subdivision.codes: %q is not an ISO 3166-2 subdivision of %s", code.value, market)
		case slices.Contains(n.Codes, sub):
			c.errorf(code.pos, "", "destination_subdivision.codes: %q is listed twice", code.value)
		default:
			n.Codes = append(n.Codes, sub)
		}
	}
	n.Example = iorules.Subdivision(spec.Example.value)
	switch {
	case n.Example == "":
		c.errorf(position{1, 1}, "", "destination_subdivision.example: required (a code error messages can show, such as %s-01)", market)
	case !n.Example.IsValid() || n.Example.Country() != market:
		c.errorf(spec.Example.pos, "", "destination_subdivision.example: %q is not an ISO 3166-2 subdivision of %s", n.Example, market)
	case len(n.Codes) > 0 && !slices.Contains(n.Codes, n.Example):
		c.errorf(spec.Example.pos, "", "destination_subdivision.example: %q is not one of the codes", n.Example)
	}
	return n
}

func (c *compiler) errorf(pos position, ruleID, format string, args ...any) {
	if len(c.issues) >= maxIssues {
		c.add(Issue{File: c.file, Line: pos.line, Col: pos.col})
		return
	}
	c.add(Issue{File: c.file, Line: pos.line, Col: pos.col, Rule: ruleID, Msg: fmt.Sprintf(format, args...)})
}

// add records an issue, or counts it once maxIssues are listed.
func (c *compiler) add(is Issue) {
	if len(c.issues) < maxIssues {
		c.issues = append(c.issues, is)
		return
	}
	if c.dropped == 0 {
		c.firstDropped = is
	}
	c.dropped++
}

// summarize ends the list of issues with the count of those not listed,
// at the first of them.
func (c *compiler) summarize() {
	if c.dropped > 0 {
		is := c.firstDropped
		c.issues = append(c.issues, Issue{File: is.File, Line: is.Line, Col: is.Col,
			Msg: fmt.Sprintf("and %d more issues in this file (the first %d are listed)", c.dropped, maxIssues)})
	}
}

// errorAt reports an issue at a line and column of the file.
func (c *compiler) errorAt(line, col int, ruleID, format string, args ...any) {
	c.errorf(position{line, col}, ruleID, format, args...)
}

// maxPolicyBytes caps the size of a policy file: a 100,000-row table
// written as the embedded policies write theirs takes about 11 MiB.
const maxPolicyBytes = 16 << 20

// ReadFile reads the policy file name, which must be a regular file of
// at most maxPolicyBytes: a named pipe would block the load forever and a
// device such as /dev/zero would never end. fs.Stat follows symbolic
// links (as os.DirFS does), so a link to a policy file, as a mounted
// Kubernetes ConfigMap has, is read.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := checkPolicyFile(info); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been replaced since fs.Stat.
	if info, err := f.Stat(); err != nil {
		return nil, err
	} else if err := checkPolicyFile(info); err != nil {
		return nil, err
	}
	src, err := io.ReadAll(io.LimitReader(f, maxPolicyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxPolicyBytes {
		return nil, fmt.Errorf("policy file larger than %d MiB", maxPolicyBytes>>20)
	}
	return src, nil
}

func checkPolicyFile(info fs.FileInfo) error {
	mode := info.Mode()
	if !mode.IsRegular() {
		what := "not a regular file"
		switch {
		case mode&fs.ModeNamedPipe != 0:
			what = "a named pipe"
		case mode&fs.ModeDevice != 0:
			what = "a device"
		case mode&fs.ModeSocket != 0:
			what = "a socket"
		case mode.IsDir():
			what = "a directory"
		case mode&fs.ModeSymlink != 0:
			what = "a symbolic link"
		}
		return fmt.Errorf("policy file is %s (mode %s); want a regular file", what, mode)
	}
	if info.Size() > maxPolicyBytes {
		return fmt.Errorf("policy file larger than %d MiB (%d bytes)", maxPolicyBytes>>20, info.Size())
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// Compile parses and checks the policy file named file, whose content is
// src, returning the policy and every problem found (the policy is nil or
// incomplete when there are any).
func Compile(env *Environment, file string, src []byte) (*Policy, []Issue) {
	c := &compiler{env: env, file: file}
	p := c.compilePolicy(src)
	return p, c.issues
}

// compilePolicy parses and checks one policy file.
func (c *compiler) compilePolicy(src []byte) *Policy {
	defer c.summarize()
	c.lines = strings.Split(string(src), "\n")
	var pf policyFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&pf); err != nil {
		c.yamlError(err)
		return nil
	}
	p := &Policy{File: c.file, Name: pf.Name, Version: pf.Version, Tables: map[string]*Table{}, NotEvaluated: pf.NotEvaluated}
	top := position{1, 1}
	if m, err := iorules.ParseCountry(pf.Market); err != nil {
		c.errorf(top, "", "market: %v", err)
	} else {
		p.Market = m
	}
	if cur, err := iorules.ParseCurrency(pf.Currency); err != nil {
		c.errorf(top, "", "currency: %v", err)
	} else {
		p.Currency = cur
	}
	if pf.Version == "" {
		c.errorf(top, "", "version: required")
	}
	p.EffectiveFrom = c.date(pf.EffectiveFrom, "", "effective_from")
	p.EffectiveTo = c.date(pf.EffectiveTo, "", "effective_to")
	c.window(pf.EffectiveFrom, pf.EffectiveTo, "", "the policy")
	if p.EffectiveFrom.IsZero() {
		c.errorf(top, "", "effective_from: required (the first date the policy's data is known good)")
	}
	p.Subdivisions = c.subdivisions(pf.Subdivision, p.Market)
	switch b := valuation.Basis(pf.Valuation.Basis); b {
	case valuation.CIF, valuation.FOB:
		p.Basis = b
	default:
		c.errorf(top, "", "valuation.basis: want CIF or FOB, got %q", pf.Valuation.Basis)
	}
	if src := pf.Valuation.Source; src.value != "" {
		p.BasisSource = c.source(src.value, pf.Sources, src.pos, "valuation")
	}
	p.groupBy = pf.Declaration.GroupBy
	if len(p.groupBy) == 0 {
		p.groupBy = []string{"line"}
	}
	for _, g := range p.groupBy {
		if !slices.Contains(groupFields, g) {
			c.errorf(top, "", "declaration.group_by: unknown field %q (want one of %s)", g, strings.Join(groupFields, ", "))
		}
	}
	switch pf.Declaration.Rounding {
	case "", "half_up":
	case "half_even":
		p.halfEven = true
	default:
		c.errorf(top, "", "declaration.rounding: want half_up or half_even, got %q", pf.Declaration.Rounding)
	}

	names := make([]string, 0, len(pf.Tables))
	for name := range pf.Tables {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if t := c.compileTable(name, pf.Tables[name], pf.Sources); t != nil {
			p.Tables[name] = t
		}
	}

	seen := map[string]position{}
	for i, rs := range pf.Rules {
		if rs == nil {
			c.errorf(position{1, 1}, "", "rules[%d]: empty entry", i)
			continue
		}
		if r := c.compileRule(p, rs, pf.Sources, seen); r != nil {
			p.Rules = append(p.Rules, r)
		}
	}
	var earlier []string
	for i, ts := range pf.Taxes {
		if ts == nil {
			c.errorf(position{1, 1}, "", "taxes[%d]: empty entry", i)
			continue
		}
		if t := c.compileTax(p, ts, pf.Sources, seen, earlier); t != nil {
			p.Taxes = append(p.Taxes, t)
			earlier = append(earlier, t.short)
		}
	}
	p.taxNames = earlier
	return p
}

func (c *compiler) yamlError(err error) {
	// Errors from our own unmarshalers carry their node's position; yaml.v3
	// passes them through without one.
	var pe *yamlPosError
	if errors.As(err, &pe) {
		c.errorf(pe.pos, "", "%s", pe.msg)
		return
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, e := range te.Errors {
			c.add(yamlIssue(c.file, e))
		}
		return
	}
	c.add(yamlIssue(c.file, err.Error()))
}

func yamlIssue(file, msg string) Issue {
	is := Issue{File: file, Line: 1, Col: 1}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLineRE.FindStringSubmatchIndex(msg); m != nil {
		is.Line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	is.Msg = strings.TrimSpace(msg)
	return is
}

func (c *compiler) date(d yamlDate, ruleID, field string) iorules.Date {
	if d.err != "" {
		c.errorf(d.pos, ruleID, "%s: %s", field, d.err)
	}
	return d.date
}

func (c *compiler) source(s string, sources map[string]string, pos position, ruleID string) string {
	if name, ok := strings.CutPrefix(s, "@"); ok {
		if v, found := sources[name]; found {
			return v
		}
		c.errorf(pos, ruleID, "source: no source named %q under sources", name)
		return s
	}
	if strings.TrimSpace(s) == "" {
		c.errorf(pos, ruleID, "source: required (the legal or documentary source)")
	}
	return s
}

// confidence reads the confidence of a table row, rule or tax. It is
// required: a figure or rule that does not say whether it was checked
// against its source is not read as confirmed (fail closed).
func (c *compiler) confidence(v string, pos position, ruleID string) iorules.Confidence {
	switch v {
	case "confirmed", "unconfirmed":
		return iorules.Confidence(v)
	case "":
		c.errorf(pos, ruleID, "confidence: required (confirmed or unconfirmed)")
	default:
		c.errorf(pos, ruleID, "confidence: want confirmed or unconfirmed, got %q", v)
	}
	return iorules.ConfidenceUnconfirmed
}

var digitsRE = regexp.MustCompile(`^[0-9]{2,12}$`)

func (c *compiler) compileTable(name string, ts *tableSpec, sources map[string]string) *Table {
	id := "table " + name
	if ts == nil {
		c.errorf(position{1, 1}, id, "empty table")
		return nil
	}
	t := &Table{Name: name, Match: ts.Match.value}
	switch t.Match {
	case MatchExact, MatchHSPrefix, MatchTiers:
	default:
		c.errorf(ts.Match.pos, id, "match: want exact, hs_prefix or tiers, got %q", t.Match)
		return nil
	}
	if len(ts.Entries) == 0 {
		c.errorf(ts.Match.pos, id, "no entries")
	}
	lines := make([]position, 0, len(ts.Entries))
	for i, es := range ts.Entries {
		if es == nil {
			c.errorf(ts.Match.pos, id, "entries[%d]: empty entry", i)
			continue
		}
		pos := es.Value.pos
		if es.Key.pos.line > 0 {
			pos = es.Key.pos
		}
		e := &Entry{
			Key: es.Key.value, From: es.From, To: es.To, Value: es.Value.value,
			Source:        c.source(es.Source, sources, pos, id),
			EffectiveFrom: c.date(es.EffectiveFrom, id, "effective_from"),
			EffectiveTo:   c.date(es.EffectiveTo, id, "effective_to"),
			Confidence:    c.confidence(es.Confidence, pos, id),
		}
		e.celValue = newDec(e.Value)
		switch {
		case !es.Value.set:
			c.errorf(pos, id, "entry %q: value required", e.Key)
		case es.Value.err != "":
			c.errorf(es.Value.pos, id, "entry %q: value: %s", e.Key, es.Value.err)
		}
		switch t.Match {
		case MatchTiers:
			if e.From < 1 || (e.To != 0 && e.To < e.From) {
				c.errorf(pos, id, "tier from %d to %d: want 1 <= from <= to (to 0 = no upper bound)", e.From, e.To)
			}
		case MatchHSPrefix:
			if !digitsRE.MatchString(e.Key) {
				c.errorf(pos, id, "entry key %q: want 2 to 12 digits of an HS code", e.Key)
			}
		default:
			if e.Key == "" {
				c.errorf(pos, id, "entry: key required")
			}
		}
		if !c.window(es.EffectiveFrom, es.EffectiveTo, id, fmt.Sprintf("entry %q", e.Key)) {
			continue // an empty window overlaps nothing
		}
		t.Entries = append(t.Entries, e)
		lines = append(lines, pos)
	}
	c.checkOverlaps(t, lines, id)
	for _, e := range t.Entries {
		t.scanBound += uint64(len(e.Key)) + 1
	}
	return t
}

// checkOverlaps sorts the rows of t (see table.entries) and reports each
// row whose window overlaps that of an earlier-starting row with the same
// key (and, in a tiers table, the same from) once, naming that row. pos
// holds the position of each row. Sorting makes this O(n log n): within a
// key, a row overlaps an earlier one exactly when it starts before the
// latest end so far.
func (c *compiler) checkOverlaps(t *Table, pos []position, id string) {
	order := make([]int, len(t.Entries))
	for i := range order {
		order[i] = i
	}
	// Lookups by key ignore from; tiers are told apart by from alone.
	from := func(e *Entry) int { return 0 }
	if t.Match == MatchTiers {
		from = func(e *Entry) int { return e.From }
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := t.Entries[i], t.Entries[j]
		return cmp.Or(cmp.Compare(from(a), from(b)), strings.Compare(a.Key, b.Key), compareStart(a.EffectiveFrom, b.EffectiveFrom))
	})
	var overlaps []Issue
	latest := -1 // the row of the current key that ends last
	for n, i := range order {
		e := t.Entries[i]
		if n > 0 {
			prev := t.Entries[order[n-1]]
			if prev.Key != e.Key || from(prev) != from(e) {
				latest = -1
			}
		}
		if latest >= 0 && windowsOverlap(t.Entries[latest], e) {
			what := fmt.Sprintf("entry %q overlaps in time the entry with the same key", e.Key)
			if t.Match == MatchTiers {
				what = fmt.Sprintf("tier from %d overlaps in time the tier with the same from", e.From)
			}
			overlaps = append(overlaps, Issue{File: c.file, Line: pos[i].line, Col: pos[i].col, Rule: id,
				Msg: fmt.Sprintf("%s at line %d", what, pos[latest].line)})
		}
		if latest < 0 || endsAfter(e.EffectiveTo, t.Entries[latest].EffectiveTo) {
			latest = i
		}
	}
	slices.SortStableFunc(overlaps, func(a, b Issue) int { return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col)) })
	for _, is := range overlaps {
		c.add(is)
	}
	sorted := make([]*Entry, len(order))
	for n, i := range order {
		sorted[n] = t.Entries[i]
	}
	t.Entries = sorted
}

// compareStart orders effective_from dates, the zero date (no start) first.
func compareStart(a, b iorules.Date) int {
	switch {
	case a.IsZero() || b.IsZero():
		return cmp.Compare(boolInt(!a.IsZero()), boolInt(!b.IsZero()))
	case a.Before(b):
		return -1
	case a.After(b):
		return 1
	}
	return 0
}

// endsAfter reports whether effective_to a ends after b (zero: no end).
func endsAfter(a, b iorules.Date) bool {
	return !b.IsZero() && (a.IsZero() || a.After(b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// window reports an effective_to before effective_from, which would make
// what it dates never apply, and returns whether the window is sound.
func (c *compiler) window(from, to yamlDate, ruleID, what string) bool {
	if (iorules.Window{From: from.date, To: to.date}).Validate() == nil {
		return true
	}
	c.errorf(to.pos, ruleID, "%s: effective_to %s is before effective_from %s, so it would never apply", what, to.date, from.date)
	return false
}

// windowsOverlap reports whether two rows are in force on a common day.
func windowsOverlap(a, b *Entry) bool { return a.window().Overlaps(b.window()) }

func (c *compiler) checkID(id posString, seen map[string]position) bool {
	if id.value == "" {
		c.errorf(id.pos, "", "id: required")
		return false
	}
	if prev, dup := seen[id.value]; dup {
		c.errorf(id.pos, id.value, "duplicate id (first defined at line %d)", prev.line)
		return false
	}
	seen[id.value] = id.pos
	return true
}

func (c *compiler) compileRule(p *Policy, rs *ruleSpec, sources map[string]string, seen map[string]position) *Rule {
	if !c.checkID(rs.ID, seen) {
		return nil
	}
	id, pos := rs.ID.value, rs.ID.pos
	r := &Rule{
		ID: id, Kind: rs.Kind, Scope: rs.Scope, Code: rs.Code, message: rs.Message, Unblock: rs.Unblock,
		Source:        c.source(rs.Source, sources, pos, id),
		EffectiveFrom: c.date(rs.EffectiveFrom, id, "effective_from"),
		EffectiveTo:   c.date(rs.EffectiveTo, id, "effective_to"),
		Confidence:    c.confidence(rs.Confidence, pos, id),
	}
	if r.Confidence == iorules.ConfidenceUnconfirmed {
		r.UnconfirmedNote = fmt.Sprintf("rule %s rests on a fact the policy marks unconfirmed; verify it with the authority before relying on it", r.ID)
	}
	c.window(rs.EffectiveFrom, rs.EffectiveTo, id, "the rule")
	switch r.Kind {
	case KindApproval, KindDecline, KindCondition, KindInfo:
		if r.Scope == "" {
			r.Scope = ScopeItem
		}
	case KindImporter:
		if r.Scope == "" {
			r.Scope = ScopeShipment
		}
	default:
		c.errorf(pos, id, "kind: want approval, decline, condition, info or importer, got %q", r.Kind)
		return nil
	}
	if r.Scope != ScopeItem && r.Scope != ScopeShipment {
		c.errorf(pos, id, "scope: want item or shipment, got %q", r.Scope)
		return nil
	}
	if r.Kind == KindApproval {
		if rs.Approval == nil {
			c.errorf(pos, id, "approval: required for kind approval (authority, title, stage, lead_time_days)")
			return nil
		}
		a := rs.Approval
		stage := approvals.Stage(a.Stage)
		if !stage.IsValid() {
			c.errorf(pos, id, "approval.stage: want before_shipment, before_clearance or after_clearance, got %q", a.Stage)
		}
		if a.Authority == "" || a.Title == "" {
			c.errorf(pos, id, "approval: authority and title are required")
		}
		if a.LeadTimeDays != nil && (*a.LeadTimeDays < 0 || *a.LeadTimeDays > 3650) {
			c.errorf(pos, id, "approval.lead_time_days: want 0 to 3650 (or leave it out when unknown), got %d", *a.LeadTimeDays)
		}
		if r.Scope != ScopeItem {
			c.errorf(pos, id, "approval rules are item-scope: an approval covers lines")
		}
		p.KnownApprovals = appendKnown(p.KnownApprovals, id)
		r.Approval = approvals.Requirement{
			ID: id, Authority: a.Authority, Title: a.Title, Stage: stage, LeadTimeDays: a.LeadTimeDays,
			Source: r.Source, Confidence: r.Confidence, Rule: id, Note: r.message, Unblock: r.Unblock,
		}
	} else {
		if rs.Approval != nil {
			c.errorf(pos, id, "approval: only kind approval takes an approval block")
		}
		if r.message == "" {
			c.errorf(pos, id, "message: required")
		}
		if r.Kind != KindInfo && strings.TrimSpace(r.Unblock) == "" {
			c.errorf(pos, id, "unblock: required for kind %s: say what would lift the reason (the approval, licence, registration or fact to supply)", r.Kind)
		}
		if r.Code == "" {
			r.Code = defaultCode(r.Kind)
		}
	}
	allowed := []string{varShipment, varImporter, varDeclaration}
	if r.Scope == ScopeItem {
		allowed = append(allowed, varItem, varLine)
	}
	if !rs.When.set {
		c.errorf(pos, id, "when: required (a CEL condition; write true for always)")
		return nil
	}
	var when analysis
	r.when, when = c.program(p, rs.When, id, cel.BoolType, exprScope{allowed: allowed, perLine: r.Scope == ScopeItem})
	if r.when != nil {
		r.whenParts = newExprParts(rs.When.text, "&&", "||")
	}
	r.classSet = -1
	if r.Scope == ScopeItem && r.when != nil && when.memoOK {
		r.classSet = classSetIndex(p, when.itemFields, c.env.functions)
	}
	if rs.MessageExpr.set {
		r.messageExpr, _ = c.program(p, rs.MessageExpr, id, cel.StringType, exprScope{allowed: allowed})
	}
	return r
}

func defaultCode(kind string) string {
	switch kind {
	case KindImporter:
		return "ior_registration_missing"
	case KindDecline:
		return "declined"
	case KindCondition:
		return "condition"
	}
	return "note"
}

func (c *compiler) compileTax(p *Policy, ts *taxSpec, sources map[string]string, seen map[string]position, earlier []string) *Tax {
	if !c.checkID(ts.ID, seen) {
		return nil
	}
	id, pos := ts.ID.value, ts.ID.pos
	prefix := strings.ToLower(string(p.Market)) + "."
	short, ok := strings.CutPrefix(id, prefix)
	if !ok || short == "" || strings.Contains(short, ".") {
		c.errorf(pos, id, "tax ids are %s<tax> in lower case", prefix)
		return nil
	}
	t := &Tax{
		ID: id, short: short, Name: ts.Name, Scope: ts.Scope, Informational: ts.Informational,
		Source:        c.source(ts.Source, sources, pos, id),
		EffectiveFrom: c.date(ts.EffectiveFrom, id, "effective_from"),
		EffectiveTo:   c.date(ts.EffectiveTo, id, "effective_to"),
		Confidence:    c.confidence(ts.Confidence, pos, id),
		HalfEven:      p.halfEven,
	}
	if t.Confidence == iorules.ConfidenceUnconfirmed {
		t.UnconfirmedNote = fmt.Sprintf("tax %s (%s) rests on a base or rule the policy marks unconfirmed; verify it before relying on the figure", t.ID, t.Name)
	}
	c.window(ts.EffectiveFrom, ts.EffectiveTo, id, "the tax")
	if t.Name == "" {
		c.errorf(pos, id, "name: required")
	}
	switch ts.Rounding {
	case "":
	case "half_up":
		t.HalfEven = false
	case "half_even":
		t.HalfEven = true
	default:
		c.errorf(pos, id, "rounding: want half_up or half_even, got %q", ts.Rounding)
	}
	if t.Scope == "" {
		t.Scope = ScopeGroup
	}
	allowed := []string{varShipment, varDeclaration, varImporter}
	switch t.Scope {
	case ScopeGroup:
		allowed = append(allowed, varItem, varLine, varTax)
	case ScopeDeclaration:
	default:
		c.errorf(pos, id, "scope: want group or declaration, got %q", t.Scope)
		return nil
	}
	sc := exprScope{allowed: allowed, perLine: t.Scope == ScopeGroup, earlier: earlier}
	if sc.perLine {
		sc.groupBy = p.groupBy
	}
	// compile compiles one of the tax's expressions, gathering the earlier
	// taxes it reads.
	compile := func(e expr, want *cel.Type, sc exprScope) (*program, analysis) {
		prg, a := c.program(p, e, id, want, sc)
		for _, name := range a.taxReads {
			t.reads = appendKnown(t.reads, name)
		}
		t.readsAll = t.readsAll || a.taxReadsAll
		return prg, a
	}
	if ts.When.set {
		var when analysis
		t.when, when = compile(ts.When, cel.BoolType, sc)
		t.whenOnce = !when.readsItem
		t.WhenText = strings.TrimSpace(ts.When.text)
	}
	switch {
	case ts.Amount.set && !ts.Rate.set && !ts.Base.set:
		t.amount, _ = compile(ts.Amount, decimalType, sc)
	case ts.Rate.set && ts.Base.set && !ts.Amount.set:
		var rate analysis
		t.rate, rate = compile(ts.Rate, decimalType, sc)
		// A rate that reads nothing of the group is the same for every
		// group: it is evaluated once per declaration.
		t.rateOnce = !rate.readsItem
		base := sc
		base.allowed = append(slices.Clip(allowed), varRate)
		t.base, _ = compile(ts.Base, decimalType, base)
		if t.base != nil {
			t.baseParts = newExprParts(ts.Base.text, "+", "-")
		}
	default:
		c.errorf(pos, id, "a tax needs rate and base, or amount alone")
	}
	return t
}

// program compiles one expression to run in scope sc, checks its type, the
// variables it uses, the tables it names and its cost, and plans it. It
// returns the program (nil when the expression has problems, which it
// reports) and what it found out about the expression.
func (c *compiler) program(p *Policy, e expr, ruleID string, want *cel.Type, sc exprScope) (*program, analysis) {
	c.locateBlock(&e)
	exprErr := func(celLine, celCol int, format string, args ...any) {
		line, col := e.fileLocation(celLine, celCol)
		c.errorAt(line, col, ruleID, format, args...)
	}
	checked, iss := c.env.env.Compile(e.text)
	if iss != nil && iss.Err() != nil {
		for _, ce := range iss.Errors() {
			exprErr(ce.Location.Line(), ce.Location.Column(), "%s", ce.Message)
		}
		return nil, analysis{}
	}
	// A dynamic result is checked when it is computed, except for a
	// condition: one that is not a bool would neither fire nor fail, so it
	// must be a bool by type.
	if out := checked.OutputType(); !out.IsExactType(want) && (out != cel.DynType || want == cel.BoolType) {
		exprErr(1, 0, "expression has type %s, want %s", checked.OutputType(), want)
		return nil, analysis{}
	}
	nodeErr := func(id int64, format string, args ...any) {
		loc := checked.NativeRep().SourceInfo().GetStartLocation(id)
		exprErr(loc.Line(), loc.Column(), format, args...)
	}
	an, ok := c.checkReferences(p, checked.NativeRep(), sc, nodeErr)
	if !ok {
		return nil, analysis{}
	}
	est, err := c.env.env.EstimateCost(checked, sizeEstimator{tables: p.Tables, functions: c.env.byOverload})
	if err != nil {
		exprErr(1, 0, "cost estimate: %v", err)
		return nil, analysis{}
	}
	// Table lookups are in the estimate, apart from the scans of the rows
	// below an HS code, which one evaluation of the shipment makes at most
	// once per code (see lookupPrefix): a single evaluation may scan a
	// whole table, the shipment at most scanOnce rows.
	perEval := addCost(est.Max, an.scanMax)
	total := est.Max
	if sc.perLine && total < maxPerShipmentCost {
		total *= MaxLines
	}
	total = addCost(total, an.scanOnce)
	if perEval > maxExpressionCost || total > maxPerShipmentCost {
		exprErr(1, 0,
			"expression too costly: estimated cost up to %d per evaluation (limit %d) and %d per shipment of %d lines (limit %d); avoid nested loops over shipment.items, loops over items in per-line rules (use scope: shipment), and large tiers tables read per line",
			perEval, maxExpressionCost, total, MaxLines, maxPerShipmentCost)
		return nil, analysis{}
	}
	prg, err := c.env.env.Program(checked, append(slices.Clip(c.env.progOpts), c.env.lookupCosts)...)
	if err != nil {
		exprErr(1, 0, "%v", err)
		return nil, analysis{}
	}
	out := &program{cel: prg}
	// A runtime cost limit is counted by the interpreter: with one, every
	// expression is interpreted.
	switch {
	case c.env.costLimit > 0:
		out.interpreted = "a runtime cost limit is set"
	case want != cel.BoolType && want != decimalType:
		out.interpreted = "not a condition or a decimal"
	default:
		var err error
		if out.native, err = lowerExpression(c.env, checked.NativeRep(), sc.earlier, want); err != nil {
			out.interpreted = err.Error()
		}
	}
	return out, an
}

// program is a compiled expression: the interpreter's program and, when
// every part of the expression could be lowered, its native form, which
// a Run evaluates instead.
type program struct {
	cel    cel.Program
	native *native
	// interpreted says why native is nil.
	interpreted string
}

// locateBlock records, for a block scalar, its content indentation and
// lines, so that CEL positions can be mapped back to the file.
func (c *compiler) locateBlock(e *expr) {
	if !e.block || e.line >= len(c.lines) {
		return
	}
	content := c.lines[e.line] // the line after the indicator
	e.indent = len(content) - len(strings.TrimLeft(content, " "))
	for _, l := range c.lines[e.line:] {
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) < e.indent {
			break
		}
		e.lines = append(e.lines, strings.TrimRight(l[min(e.indent, len(l)):], " \r"))
	}
}

// checkReferences checks what the checker cannot: that the expression uses
// only the variables available where it runs, reads only earlier taxes, and
// names existing tables of the right kind by literal. It reports each
// problem through nodeErr and returns what it found out about the
// expression and whether there was no problem.
func (c *compiler) checkReferences(p *Policy, checked *ast.AST, sc exprScope, nodeErr func(id int64, format string, args ...any)) (analysis, bool) {
	ok := true
	fail := func(id int64, format string, args ...any) {
		nodeErr(id, format, args...)
		ok = false
	}
	nav := ast.NavigateAST(checked)
	var an analysis
	an.itemFields, an.memoOK = itemKey(nav, c.env.functions)
	var scanned []*Table
	for _, n := range ast.MatchDescendants(nav, ast.KindMatcher(ast.IdentKind)) {
		name := n.AsIdent()
		if boundLocally(n, n.AsIdent()) {
			continue
		}
		if name == varItem || name == varLine || name == varTax {
			an.readsItem = true
		}
		if name == varTax {
			if parent, ok := n.Parent(); !ok || parent.Kind() != ast.SelectKind || parent.AsSelect().Operand().ID() != n.ID() {
				an.taxReadsAll = true // the map as a whole ("pis" in tax)
			}
		}
		if isVariable(name) && !slices.Contains(sc.allowed, name) {
			fail(n.ID(), "%s is not available here (available: %s)", name, strings.Join(sc.allowed, ", "))
		}
	}
	for _, n := range ast.MatchDescendants(nav, ast.KindMatcher(ast.SelectKind)) {
		sel := n.AsSelect()
		if op := sel.Operand(); op.Kind() == ast.IdentKind && op.AsIdent() == varTax && !boundLocally(n, varTax) {
			if !slices.Contains(sc.earlier, sel.FieldName()) {
				fail(n.ID(), "tax.%s: no earlier tax has that name (earlier: %s)", sel.FieldName(), strings.Join(sc.earlier, ", "))
			}
			an.taxReads = appendKnown(an.taxReads, sel.FieldName())
		}
	}
	if sc.groupBy != nil {
		for _, use := range groupVariantReads(nav, sc.groupBy, c.env.functions) {
			fix := fmt.Sprintf("add %s to declaration.group_by or test it in an item-scope rule", use.field)
			if !slices.Contains(groupFields, use.field) {
				fix = "test it in an item-scope rule, or declare one item per line (group_by: [line])"
			}
			fail(use.id, "%s differs between the lines of one declaration group (group_by: [%s]), so a group-scope tax reading it would depend on which line comes first; %s",
				use.what, strings.Join(sc.groupBy, ", "), fix)
		}
	}
	for _, n := range ast.MatchDescendants(nav, ast.KindMatcher(ast.CallKind)) {
		call := n.AsCall()
		fn := call.FunctionName()
		helper := helperCalled(n, c.env.functions)
		if helper != nil && helper.readsItem {
			an.readsItem = true // it reads the current item or group
		}
		if helper == nil {
			continue
		}
		if helper.knownIDs != nil && len(call.Args()) == 1 && call.Args()[0].Kind() == ast.LiteralKind {
			id, _ := call.Args()[0].AsLiteral().Value().(string)
			known := helper.knownIDs(p)
			*known = appendKnown(*known, id)
		}
		if helper.table == noTable {
			continue
		}
		arg := call.Args()[0]
		if arg.Kind() != ast.LiteralKind {
			fail(n.ID(), "%s: the table name must be a string literal", fn)
			continue
		}
		name, _ := arg.AsLiteral().Value().(string)
		t, found := p.Tables[name]
		switch {
		case !found:
			fail(n.ID(), "%s: no table named %q", fn, name)
		case !helper.table.reads(t.Match):
			fail(n.ID(), "%s: table %q has match %s", fn, name, t.Match)
		case t.Match == MatchHSPrefix && !slices.Contains(scanned, t):
			scanned = append(scanned, t)
			an.scanOnce = addCost(an.scanOnce, t.scanBound)
			an.scanMax = addCost(an.scanMax, uint64(len(t.Entries)))
		}
	}
	return an, ok
}

// boundLocally reports whether name, read at node n, is a variable of an
// enclosing comprehension (the x of shipment.items.exists(x, ...)) rather
// than a policy variable: such a name may shadow one (item, line, tax).
func boundLocally(n ast.NavigableExpr, name string) bool {
	for child := n; ; {
		parent, ok := child.Parent()
		if !ok {
			return false
		}
		if parent.Kind() == ast.ComprehensionKind {
			compr := parent.AsComprehension()
			if compr.IterVar() == name || compr.HasIterVar2() && compr.IterVar2() == name || compr.AccuVar() == name {
				// The range and the accumulator's start are outside the
				// variable's scope.
				return child.ID() != compr.IterRange().ID() && child.ID() != compr.AccuInit().ID() || boundLocally(parent, name)
			}
		}
		child = parent
	}
}

// addCost adds two costs, saturating.
func addCost(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}

func isVariable(name string) bool {
	switch name {
	case varShipment, varItem, varImporter, varLine, varDeclaration, varTax, varRate:
		return true
	}
	return false
}

// fileLocation maps a CEL location (1-based line, 0-based column within the
// expression) to a 1-based line and column in the policy file.
func (e expr) fileLocation(line, col int) (int, int) {
	if line < 1 {
		line = 1
	}
	if !e.block {
		if line == 1 {
			return e.line, e.col + col
		}
		return e.line + line - 1, col + 1
	}
	// A block scalar starts on the line after its indicator, each line at
	// the block's indentation. Folded blocks join lines with spaces, so map
	// through the character offset, which both styles preserve.
	offset := col
	for i, l := range strings.SplitAfter(e.text, "\n") {
		if i >= line-1 {
			break
		}
		offset += len(l)
	}
	fileLine := e.line + 1
	for i, l := range e.lines {
		if i == len(e.lines)-1 || offset <= len(l) {
			return fileLine + i, e.indent + offset + 1
		}
		offset -= len(l) + 1
	}
	return fileLine, e.indent + 1
}

// sizeEstimator bounds the sizes the cost estimator cannot know: lists of
// the shipment's lines and registrations, and strings; and the cost of
// table lookups, from the tables' sizes.
type sizeEstimator struct {
	tables    map[string]*Table
	functions map[string]*contextFunction // the helpers by overload id
}

func (sizeEstimator) EstimateSize(element checker.AstNode) *checker.SizeEstimate {
	path := element.Path()
	if len(path) > 0 {
		switch path[len(path)-1] {
		case "items":
			return &checker.SizeEstimate{Min: 0, Max: MaxLines}
		case "registrations", "radio", "exchange_rates":
			return &checker.SizeEstimate{Min: 0, Max: 64}
		case "documents", "models":
			return &checker.SizeEstimate{Min: 0, Max: 100}
		case "lines": // a document's lines
			return &checker.SizeEstimate{Min: 0, Max: MaxLines}
		}
	}
	if t := element.Type(); t != nil {
		switch {
		case t.Kind() == cel.StringType.Kind():
			return &checker.SizeEstimate{Min: 0, Max: 1024}
		case t.IsExactType(decimalType) || t.IsExactType(contextType):
			// Opaque values compare and combine in constant time.
			return &checker.SizeEstimate{Min: 1, Max: 1}
		}
	}
	return nil
}

func (s sizeEstimator) EstimateCallCost(function, overloadID string, target *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
	if f := s.functions[overloadID]; f == nil || f.table == noTable {
		return nil
	}
	if len(args) == 0 || args[0].Expr().Kind() != ast.LiteralKind {
		return nil // checkReferences rejects it
	}
	name, _ := args[0].Expr().AsLiteral().Value().(string)
	t, ok := s.tables[name]
	if !ok {
		return nil
	}
	return &checker.CallEstimate{CostEstimate: checker.CostEstimate{Min: 1, Max: t.callCost()}}
}

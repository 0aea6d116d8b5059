package classify

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/iorules/iorules"
)

// Status is the outcome of checking the HS code declared on one line.
type Status string

// The statuses a line can get.
const (
	// StatusOK means the code exists, has the market's form and fits the
	// line's category.
	StatusOK Status = "ok"
	// StatusMismatch means the code exists but does not fit the line's
	// category; it must be fixed before shipping.
	StatusMismatch Status = "mismatch"
	// StatusInvalid means the code has the wrong length or form for the
	// market, or its HS-6 part is not a subheading of HS 2022.
	StatusInvalid Status = "invalid"
	// StatusUnknown means the code is well formed but the line's category
	// gives no basis to judge its fit: category other, or a category this
	// package does not know. CheckShipment reports it as a condition.
	StatusUnknown Status = "unknown"
)

// Result is the classification check of one line, as it appears in a
// decision's "classification" section.
type Result struct {
	// Line is the item's line number.
	Line int `json:"line"`
	// Declared is the code as declared, in dotted form ("8471.50.10").
	Declared string `json:"declared"`
	// Status is ok, mismatch, invalid or unknown.
	Status Status `json:"status"`
	// Expected lists, in dotted form, the subheadings or headings the line
	// can fall in: the one matched for an ok line, every fit of the
	// category for a mismatch or invalid line.
	Expected []string `json:"expected,omitempty"`
	// Message explains the status to a person.
	Message string `json:"message"`
}

// Candidate is a subheading or heading a category can fall in, with why.
type Candidate struct {
	// HSCode is the dotted HS-6 subheading ("8471.50") or a four-digit
	// heading ("8415") when the whole heading fits.
	HSCode string `json:"hs_code"`
	// Description says what the code covers, in short.
	Description string `json:"description"`
	// Reason says why the category can fall there.
	Reason string `json:"reason"`
	// Source is the legal basis of the fit.
	Source string `json:"source"`
	// Confidence is "confirmed" when the code's own wording covers the
	// product, "unconfirmed" when the fit rests on rulings not verified.
	Confidence iorules.Confidence `json:"confidence"`
}

// Subheading is an HS 2022 subheading of the IT table.
type Subheading struct {
	// Code is the dotted subheading, "8471.50".
	Code string `json:"code"`
	// Heading is the four-digit heading it sits under, "8471".
	Heading string `json:"heading"`
	// Description says what the subheading covers, in short.
	Description string `json:"description"`
}

// Reason codes and rule ids reported by CheckShipment.
const (
	codeInvalid          = "hs_invalid"
	codeMismatch         = "hs_mismatch"
	codeFitNotJudged     = "hs_fit_not_judged"
	codeRadio            = "radio_contradiction"
	codeHS6Only          = "hs_national_line_unconfirmed"
	codeFormatUnknown    = "hs_national_format_unknown"
	codeFitUnconfirmed   = "hs_fit_unconfirmed"
	codeOutsideEdition   = "hs_edition_outside_window"
	codeDataUnavailable  = "hs_data_unavailable"
	ruleCategoryFit      = "classify.category_fit"
	ruleRadioFit         = "classify.radio_fit"
	ruleNationalFormat   = "classify.national_format"
	ruleNomenclature     = "classify.nomenclature"
	sourceGeneralRules   = "HS 2022 nomenclature; General Interpretative Rules 1 and 6"
	unconfirmedFitAdvice = "the fit rests on rulings the project has not verified; back it with a binding ruling"
)

// finding carries what CheckShipment needs beyond the Result.
type finding struct {
	rule, source, unblock string // for invalid, mismatch and unknown lines
	hs6Only               bool   // declared at HS-6 only
	formatUnknown         bool   // national code for a market with no format on file
	fitNote               string // ok, but the fit is not confirmed or not judged
	fitSource             string
}

// Check checks the HS code declared on one line for the given market: its
// form and length against the market's national format, the existence of
// its HS-6 part in HS 2022, and its fit with the line's category. It does
// not look at dates; CheckShipment does.
func Check(market iorules.Country, item iorules.Item) Result {
	t, err := data()
	if err != nil {
		return unavailable(item, err)
	}
	r, _ := t.check(market, &item)
	return r
}

// CheckShipment checks every line of s for the given market (normally
// s.Destination). It returns one Result per line, in line order, and the
// reasons: a condition per invalid or mismatched line (fix the code before
// shipping), per line whose category gives no basis to check its code
// (category other: the fit cannot be judged, so it is not assumed), and per
// line whose radio list contradicts its category or HS code (a radio
// category or subheading with no radio listed, or a radio listed on goods
// that carry none); and info reasons for lines declared at HS-6 only and
// fits that rest on unverified rulings. A shipment dated outside the window
// the HS 2022 table is kept for gets a condition as well.
func CheckShipment(market iorules.Country, s iorules.Shipment) ([]Result, []iorules.Reason) {
	byLine := func(a, b iorules.Item) int { return cmp.Compare(a.Line, b.Line) }
	items := s.Items
	if !slices.IsSortedFunc(items, byLine) { // items usually come in line order: no copy then
		items = slices.Clone(s.Items)
		slices.SortStableFunc(items, byLine)
	}
	results := make([]Result, 0, len(items))

	t, err := data()
	if err != nil {
		for _, it := range items {
			results = append(results, unavailable(it, err))
		}
		return results, []iorules.Reason{{
			Code:     codeDataUnavailable,
			Severity: iorules.SeverityCondition,
			Message:  "The HS classification data could not be loaded, so no code was checked: " + err.Error(),
			Rule:     ruleNomenclature,
			Unblock:  "Check the HS codes by hand.",
		}}
	}

	var reasons []iorules.Reason
	if !s.Date.IsZero() && !t.window.Covers(s.Date) {
		window := t.window.From.String() + " to " + t.window.To.String()
		if t.toConfidence == iorules.ConfidenceUnconfirmed {
			window += " (end date unconfirmed)"
		}
		reasons = append(reasons, iorules.Reason{
			Code:     codeOutsideEdition,
			Severity: iorules.SeverityCondition,
			Message: fmt.Sprintf("The shipment date %s is outside the period the %s table is kept for, %s; codes were checked against %s anyway.",
				s.Date, t.edition, window, t.edition),
			Rule:    ruleNomenclature,
			Source:  t.editionSource,
			Unblock: "Confirm every code against the HS edition in force on the shipment date.",
		})
	}

	var hs6Only, formatUnknown []int
	for i := range items {
		r, fd := t.check(market, &items[i])
		results = append(results, r)
		switch r.Status {
		case StatusInvalid:
			reasons = append(reasons, lineReason(codeInvalid, iorules.SeverityCondition, r, fd.rule, fd.source, fd.unblock))
		case StatusMismatch:
			reasons = append(reasons, lineReason(codeMismatch, iorules.SeverityCondition, r, fd.rule, fd.source, fd.unblock))
		case StatusUnknown:
			reasons = append(reasons, lineReason(codeFitNotJudged, iorules.SeverityCondition, r, fd.rule, fd.source, fd.unblock))
		case StatusOK:
			if fd.fitNote != "" {
				reasons = append(reasons, iorules.Reason{
					Code: codeFitUnconfirmed, Severity: iorules.SeverityInfo, Lines: []int{r.Line},
					Message: fmt.Sprintf("Line %d: %s: %s.", r.Line, r.Declared, fd.fitNote),
					Rule:    ruleCategoryFit, Source: fd.fitSource,
				})
			}
		}
		if rr, ok := t.radioFit(&items[i]); ok {
			reasons = append(reasons, rr)
		}
		if r.Status == StatusMismatch {
			continue // the code must change anyway
		}
		if fd.hs6Only {
			hs6Only = append(hs6Only, r.Line)
		}
		if fd.formatUnknown {
			formatUnknown = append(formatUnknown, r.Line)
		}
	}

	format, known := t.format(market)
	if len(hs6Only) > 0 {
		line := "the national tariff line"
		if known {
			line = fmt.Sprintf("the full %s-digit %s", digitsText(format.Digits), format.Name)
		}
		reasons = append(reasons, iorules.Reason{
			Code: codeHS6Only, Severity: iorules.SeverityInfo, Lines: hs6Only,
			Message: fmt.Sprintf("%s declared at HS-6 only; %s must be confirmed before filing.",
				capitalise(linesText(hs6Only)), line),
			Rule: ruleNationalFormat, Source: format.Source,
		})
	}
	if len(formatUnknown) > 0 {
		reasons = append(reasons, iorules.Reason{
			Code: codeFormatUnknown, Severity: iorules.SeverityInfo, Lines: formatUnknown,
			Message: fmt.Sprintf("No national tariff format is on file for %s; only the HS-6 part was checked on %s.",
				marketText(market), linesText(formatUnknown)),
			Rule: ruleNationalFormat, Source: format.Source,
		})
	}
	return results, reasons
}

// Suggest returns the subheadings and headings a category can lawfully
// fall in, with the reason for each, in the order of the data table. It
// returns nil for CategoryOther, which is not tied to particular codes, and
// for an unknown category.
func Suggest(c iorules.Category) []Candidate {
	t, err := data()
	if err != nil {
		return nil
	}
	cat, ok := t.categories[c]
	if !ok || cat.any {
		return nil
	}
	out := make([]Candidate, 0, len(cat.fits))
	for _, f := range cat.fits {
		out = append(out, Candidate{
			HSCode:      f.dotted,
			Description: t.describe(f.Code),
			Reason:      f.Reason,
			Source:      f.Source,
			Confidence:  f.confidence,
		})
	}
	return out
}

// hsSeparators strips the dots and spaces of a written HS code.
var hsSeparators = strings.NewReplacer(".", "", " ", "")

// Lookup returns the subheading of the IT table for an HS-6 code, written
// "847150" or "8471.50". It reports false for a code outside the table,
// even one that exists in HS 2022.
func Lookup(hs6 string) (Subheading, bool) {
	t, err := data()
	if err != nil {
		return Subheading{}, false
	}
	digits := hsSeparators.Replace(hs6)
	s, ok := t.subs[digits]
	if !ok {
		return Subheading{}, false
	}
	return Subheading{Code: dotted(s.HS6), Heading: s.Heading, Description: s.Description}, true
}

// check does the work of Check for one line.
func (t *table) check(market iorules.Country, it *iorules.Item) (Result, finding) {
	res := Result{Line: it.Line, Declared: string(it.HSCode)}
	var fd finding
	cat, catKnown := t.categories[it.Category]
	format, known := t.format(market)

	code, ok := normalise(it.HSCode)
	if !ok {
		expected := cat.expected()
		res.Status = StatusInvalid
		res.Expected = expected
		if it.HSCode == "" {
			res.Message = "No HS code is declared."
		} else {
			res.Message = fmt.Sprintf("%q is not an HS code: want 6 to 12 digits, optionally grouped with dots.", string(it.HSCode))
		}
		res.Message += t.expectText(it.Category, cat, catKnown)
		fd.rule, fd.source = ruleNationalFormat, format.Source
		fd.unblock = t.invalidUnblock(format, known, false, expected)
		return res, fd
	}
	res.Declared = dotted(string(code))
	hs6 := code.HS6()
	// The dotted HS-6 part ("8471.50") is the start of the dotted code
	// ("8471.50.10"): no need to format it again.
	d6 := res.Declared[:len("8471.50")]

	var problems []string
	if len(code) > 6 && known && !slices.Contains(format.Digits, len(code)) {
		p := fmt.Sprintf("%s has %d digits, but a full %s for %s has %s", res.Declared, len(code), format.Name, market, digitsText(format.Digits))
		if format.Confidence == iorules.ConfidenceUnconfirmed {
			p += " (length unconfirmed)"
		}
		problems = append(problems, p)
		fd.rule, fd.source = ruleNationalFormat, format.Source
	}
	exists, judged := t.subheadingExists(hs6)
	if judged && !exists {
		problems = append(problems, fmt.Sprintf("%s is not a subheading of %s", d6, t.edition))
		if fd.rule == "" {
			fd.rule, fd.source = ruleNomenclature, t.editionSource
		}
	}
	if len(problems) > 0 {
		expected := cat.expected()
		res.Status = StatusInvalid
		res.Expected = expected
		res.Message = capitalise(strings.Join(problems, "; ")) + "." + t.expectText(it.Category, cat, catKnown)
		fd.unblock = t.invalidUnblock(format, known, judged && !exists, expected)
		return res, fd
	}
	fd.hs6Only = len(code) == 6
	fd.formatUnknown = len(code) > 6 && !known

	switch {
	case !catKnown || cat.any:
		res.Status = StatusUnknown
		what := d6
		if desc := t.describe(hs6); desc != "" {
			what += " (" + lowerFirst(desc) + ")"
		}
		if catKnown {
			res.Message = fmt.Sprintf("Category %s gives no basis to check %s", it.Category, what)
		} else {
			res.Message = fmt.Sprintf("Category %q is not recognised, so it gives no basis to check %s", it.Category, what)
		}
		switch _, inTable := t.subs[hs6]; {
		case inTable:
			res.Message += ": its fit with the goods is not judged."
		case judged:
			res.Message += fmt.Sprintf(", which exists in %s but is outside the IT table: its fit with the goods is not judged.", t.edition)
		default:
			res.Message += fmt.Sprintf(", which is outside the IT table and the chapters listed in full (%s): neither its existence nor its fit is judged.",
				strings.Join(t.listedChapters(), ", "))
		}
		fd.rule, fd.source = ruleCategoryFit, sourceGeneralRules
		fd.unblock = t.notJudgedUnblock(d6)
	default:
		if f, ok := cat.match(hs6); ok {
			res.Status = StatusOK
			res.Expected = []string{f.dotted}
			res.Message = d6 + " fits category " + string(it.Category) + ": " + f.Reason
			if f.confidence == iorules.ConfidenceUnconfirmed {
				res.Message = strings.TrimSuffix(res.Message, ".") + "; " + unconfirmedFitAdvice + "."
				fd.fitNote, fd.fitSource = unconfirmedFitAdvice, f.Source
			}
		} else {
			expected := cat.expected()
			res.Status = StatusMismatch
			res.Expected = expected
			what := ""
			if desc := t.describe(hs6); desc != "" {
				what = " (" + lowerFirst(desc) + ")"
			}
			res.Message = fmt.Sprintf("%s%s does not fit category %s, which falls in %s.", d6, what, it.Category, orList(expected))
			fd.rule, fd.source = ruleCategoryFit, sourceGeneralRules
			fd.unblock = fmt.Sprintf("Declare the line under %s, or correct its category if the goods are not of category %s.",
				orList(expected), it.Category)
		}
	}
	if fd.hs6Only && res.Status == StatusOK {
		if known {
			res.Message += fmt.Sprintf(" Declared at HS-6 only: confirm the full %s-digit %s before filing.", digitsText(format.Digits), format.Name)
		} else {
			res.Message += " Declared at HS-6 only: confirm the national tariff line before filing."
		}
	}
	return res, fd
}

// format returns the market's national format, or the default with false.
func (t *table) format(market iorules.Country) (NationalFormat, bool) {
	if f, ok := t.formats[market]; ok {
		return f, true
	}
	f := t.fallback
	f.Market = market
	return f, false
}

// subheadingExists reports whether hs6 is an HS 2022 subheading, and
// whether that could be judged at all.
func (t *table) subheadingExists(hs6 string) (exists, judged bool) {
	if _, ok := t.subs[hs6]; ok {
		return true, true
	}
	if t.listed[hs6[:2]] {
		return t.exists[hs6], true
	}
	return false, false
}

// describe returns the description of a subheading or heading of the table,
// falling back to the heading of an HS-6 code outside it; "" if neither.
func (t *table) describe(code string) string {
	if s, ok := t.subs[code]; ok {
		return s.Description
	}
	if h, ok := t.headings[code[:min(4, len(code))]]; ok {
		if len(code) == 4 {
			return h.Description
		}
		return "under heading " + h.Heading + ": " + lowerFirst(h.Description)
	}
	return ""
}

func (t *table) listedChapters() []string {
	out := make([]string, 0, len(t.listed))
	for ch := range t.listed {
		out = append(out, ch)
	}
	slices.Sort(out)
	return out
}

func (t *table) expectText(c iorules.Category, cat categoryFit, known bool) string {
	if !known || cat.any {
		return ""
	}
	return fmt.Sprintf(" Category %s falls in %s.", c, orList(cat.expected()))
}

// notJudgedUnblock says what to supply for a line whose category gives no
// basis to check its code.
func (t *table) notJudgedUnblock(d6 string) string {
	return fmt.Sprintf("Declare the category that describes the goods (%s) so that %s can be checked against it; "+
		"if none does, supply a binding tariff ruling or the customs broker's written classification for %s, "+
		"and confirm by hand which approvals the goods need.", t.specific, d6, d6)
}

// invalidUnblock says what to declare instead of an invalid code.
func (t *table) invalidUnblock(f NationalFormat, known, nonexistent bool, expected []string) string {
	var what string
	switch {
	case nonexistent && known:
		what = fmt.Sprintf("a subheading that exists in %s, alone or as a full %s-digit %s", t.edition, digitsText(f.Digits), f.Name)
	case nonexistent:
		what = "a subheading that exists in " + t.edition
	case known:
		what = fmt.Sprintf("a full %s-digit %s or the HS-6 subheading alone", digitsText(f.Digits), f.Name)
	default:
		what = "a code of 6 to 12 digits"
	}
	if len(expected) == 0 {
		return "Declare " + what + "."
	}
	return fmt.Sprintf("Declare %s, under %s.", what, orList(expected))
}

// expected returns the category's fits in dotted form, in a new slice (nil
// when there are none).
func (c categoryFit) expected() []string {
	if len(c.fits) == 0 {
		return nil
	}
	out := make([]string, 0, len(c.fits))
	for _, f := range c.fits {
		out = append(out, f.dotted)
	}
	return out
}

// match returns the fit an HS-6 code falls under: the subheading itself or
// its heading.
func (c categoryFit) match(hs6 string) (fitRow, bool) {
	for _, f := range c.fits {
		if f.Code == hs6 || f.Code == hs6[:4] {
			return f, true
		}
	}
	return fitRow{}, false
}

// normalise returns the digits of a declared code, accepting a dotted form
// set directly on the Item.
func normalise(c iorules.HSCode) (iorules.HSCode, bool) {
	if c.IsValid() {
		return c, true
	}
	parsed, err := iorules.ParseHSCode(string(c))
	return parsed, err == nil
}

func unavailable(it iorules.Item, err error) Result {
	return Result{
		Line:     it.Line,
		Declared: it.HSCode.String(),
		Status:   StatusUnknown,
		Message:  "The HS classification data could not be loaded: " + err.Error(),
	}
}

func lineReason(code string, sev iorules.Severity, r Result, rule, source, unblock string) iorules.Reason {
	return iorules.Reason{
		Code:     code,
		Severity: sev,
		Message:  fmt.Sprintf("Line %d: %s", r.Line, r.Message),
		Lines:    []int{r.Line},
		Rule:     rule,
		Source:   source,
		Unblock:  unblock,
	}
}

// dotted formats the digits of an HS code as HSCode.String does: "8415",
// "8471.50", "8471.50.10". It builds the string in one allocation, where
// HSCode.String grows a strings.Builder; it runs for every line checked.
func dotted(code string) string {
	if len(code) <= 4 {
		return code
	}
	var buf [24]byte // a code of 12 digits takes 16 bytes with its dots
	if n := len(code) + (len(code)-4+1)/2; n > len(buf) {
		return iorules.HSCode(code).String()
	}
	b := append(buf[:0], code[:4]...)
	for i := 4; i < len(code); i += 2 {
		b = append(b, '.')
		b = append(b, code[i:min(i+2, len(code))]...)
	}
	return string(b)
}

// digitsText writes accepted lengths as "8" or "8 or 10".
func digitsText(ds []int) string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		parts = append(parts, strconv.Itoa(d))
	}
	return orList(parts)
}

// orList writes "a", "a or b", "a, b or c".
func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// linesText writes "line 1" or "lines 1, 2 and 3".
func linesText(lines []int) string {
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		parts = append(parts, strconv.Itoa(l))
	}
	if len(parts) == 1 {
		return "line " + parts[0]
	}
	return "lines " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func marketText(m iorules.Country) string {
	if m == "" {
		return "an unnamed market"
	}
	return string(m)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

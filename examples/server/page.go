package main

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
)

// The page's files: templates, static assets and sample documents. The
// samples are copies of files in examples/shipments (go:embed cannot reach
// a parent directory); a test keeps them identical.
//
//go:embed templates/*.html assets/* samples/*.json
var content embed.FS

// sampleInfo is a sample document the page offers.
type sampleInfo struct {
	Name  string // file name, e.g. br-servers-sp.json
	Title string // what it shows
	data  []byte
}

// sampleTitles describes the embedded samples, in the order offered.
var sampleTitles = []struct{ name, title string }{
	{"br-servers-sp.json", "Servers to São Paulo by air (BR): clear, Brazil's full tax chain"},
	{"tr-network.json", "Switches and Wi-Fi access points to Turkey (TR): TAREKS, export findings"},
	{"vn-refurbished.json", "Refurbished servers to Vietnam (VN): declined under the used-IT ban"},
	{"rollout-nine-markets.json", "A rollout: one shipment offered to nine markets"},
}

// pageAssets is the parsed page template, the static files and the samples.
type pageAssets struct {
	tmpl       *template.Template
	assetNames []string
	samples    []sampleInfo
}

func loadPage() (*pageAssets, error) {
	tmpl, err := template.New("page").Funcs(template.FuncMap{
		"lines":   lineList,
		"lower":   strings.ToLower,
		"upper":   strings.ToUpper,
		"title":   stageTitle,
		"dateOf":  func(d iorules.Date) string { return d.String() },
		"leadDay": leadText,
		"args":    func(v decisionView, many bool) decisionArgs { return decisionArgs{V: v, Many: many} },
	}).ParseFS(content, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("page templates: %w", err)
	}
	p := &pageAssets{tmpl: tmpl}
	entries, err := fs.ReadDir(content, "assets")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		p.assetNames = append(p.assetNames, e.Name())
	}
	for _, st := range sampleTitles {
		b, err := content.ReadFile("samples/" + st.name)
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", st.name, err)
		}
		p.samples = append(p.samples, sampleInfo{Name: st.name, Title: st.title, data: b})
	}
	return p, nil
}

// asset serves one embedded static file.
func (s *service) asset(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := content.ReadFile("assets/" + name)
		if err != nil {
			writeError(w, http.StatusNotFound, "no such asset", nil)
			return
		}
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	}
}

// sample serves one embedded sample document, for the page's picker.
func (s *service) sample(sm sampleInfo) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		http.ServeContent(w, r, sm.Name, time.Time{}, bytes.NewReader(sm.data))
	}
}

// pageData is what the page template renders.
type pageData struct {
	Markets  []iorules.Country
	Samples  []sampleInfo
	Input    string // the document in the text area
	Sample   string // the sample picked
	Market   string // "", "all" or a market code
	Problems []problem
	Error    string // a problem that is not a field's
	Result   *resultView
}

// resultView is an evaluation as the page shows it.
type resultView struct {
	// Decisions are the markets' decisions, one for a single market.
	Decisions []decisionView
	// Table compares the markets when there are several.
	Table []marketRow
	// Rollout is set for a rollout document.
	Rollout *rolloutView
	// JSON is the answer the API gives for the same input.
	JSON string
}

// decisionView is one decision with what the page derives from it.
type decisionView struct {
	D            markets.Decision
	Landed       string // "" when not computed
	Total        string // "" when not computed
	PartialTotal string
	ShipDate     string
	Steps        []step
	TopReasons   []iorules.Reason
	Taxes        []taxRow
}

// decisionArgs is what the decision template receives: the decision and
// whether it is one of several (its details then start closed).
type decisionArgs struct {
	V    decisionView
	Many bool
}

// step is one thing that must happen before the cargo moves.
type step struct {
	Kind     string // decline, approval or condition
	Code     string // the reason's code, or the approval's id
	Expired  bool   // an approval held but expired
	What     string
	Who      string
	Lead     string
	leadDays int // -1 unknown
	Unblock  string
	Lines    []int
}

// taxRow is one line of the tax table.
type taxRow struct {
	markets.Tax
	BaseText, RateText, AmountText string
}

// marketRow is one row of the table comparing markets.
type marketRow struct {
	Market     iorules.Country
	Verdict    markets.Verdict
	Declines   []string // codes of the declining reasons
	Open       []string // codes of the open conditions besides approvals
	Landed     string
	LandedShip string // in the shipment currency (rollouts only)
	Total      string
	ShipDate   string
	Missing    []string
}

// rolloutView is a rollout's summary.
type rolloutView struct {
	Res      markets.RolloutResult
	Together []markets.ShipGroup
	Unknown  []iorules.Country
	Declined []markets.DeclinedMarket
}

// index answers GET /: the empty form.
func (s *service) index(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, s.newPageData())
}

func (s *service) newPageData() pageData {
	return pageData{Markets: s.engine.Markets(), Samples: s.page.samples}
}

// formLimit bounds a form post: the document plus room for the form's
// other fields and multipart framing.
const formLimit = iorules.MaxShipmentBytes + 64<<10

// submit answers POST /: the form, from the browser with or without
// JavaScript. It evaluates the uploaded file, else the text area, else the
// sample picked, and renders the result below the form, or the problems
// next to the text area.
func (s *service) submit(w http.ResponseWriter, r *http.Request) {
	data := s.newPageData()
	tooBig := func() {
		data.Error = fmt.Sprintf("The document is larger than %d bytes.", iorules.MaxShipmentBytes)
		s.render(w, http.StatusRequestEntityTooLarge, data)
	}
	if r.ContentLength > formLimit {
		tooBig()
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			tooBig()
			return
		}
		data.Error = "The form could not be read: " + err.Error()
		s.render(w, http.StatusBadRequest, data)
		return
	}
	data.Market = strings.TrimSpace(r.FormValue("market"))
	data.Sample = r.FormValue("sample")
	input, err := formInput(r, s.page.samples)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			tooBig()
			return
		}
		data.Error = err.Error()
		if errors.Is(err, errNothing) {
			data.Error = "Paste a shipment, upload a file or pick a sample first."
		}
		s.render(w, http.StatusBadRequest, data)
		return
	}
	data.Input = string(input)
	res, status, msg, probs := s.evaluate(input, data.Market)
	if status != 0 {
		// With problems to list, the heading says the rest.
		data.Problems = probs
		if len(probs) == 0 {
			data.Error = msg
		}
		s.render(w, status, data)
		return
	}
	data.Result = res
	s.note(r, "form", true, "decisions", len(res.Decisions))
	s.render(w, http.StatusOK, data)
}

// formInput picks the document of a form post: an uploaded file, else the
// text area, else the sample named.
func formInput(r *http.Request, samples []sampleInfo) ([]byte, error) {
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			if fhs[0].Size > iorules.MaxShipmentBytes {
				return nil, &http.MaxBytesError{Limit: iorules.MaxShipmentBytes}
			}
			f, err := fhs[0].Open()
			if err != nil {
				return nil, fmt.Errorf("the uploaded file could not be read: %w", err)
			}
			defer f.Close()
			return io.ReadAll(io.LimitReader(f, iorules.MaxShipmentBytes))
		}
	}
	if text := r.FormValue("shipment"); strings.TrimSpace(text) != "" {
		return []byte(text), nil
	}
	if name := r.FormValue("sample"); name != "" {
		for _, sm := range samples {
			if sm.Name == name {
				return sm.data, nil
			}
		}
		return nil, fmt.Errorf("no sample named %q", name)
	}
	return nil, errNothing
}

// errNothing is a form post with no document: no file, an empty text area
// and no sample.
var errNothing = errors.New("nothing to evaluate")

// isRollout reports whether doc is a JSON object with the members of a
// rollout, "shipment" and "markets".
func isRollout(doc []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(doc, &top) != nil {
		return false
	}
	_, s := top["shipment"]
	_, m := top["markets"]
	return s && m
}

// evaluate decides the document for the page: a rollout, or a shipment for
// the market chosen. A non-zero status is an error to show.
func (s *service) evaluate(doc []byte, market string) (*resultView, int, string, []problem) {
	if isRollout(doc) {
		ro, err := markets.DecodeRollout(bytes.NewReader(doc), s.engine.ShipmentChecks()...)
		if err != nil {
			status, msg, probs := inputError(err, "rollout")
			return nil, status, msg, probs
		}
		res, status, msg, probs := s.evaluateRollout(ro)
		if status != 0 {
			return nil, status, msg, probs
		}
		return rolloutResultView(res)
	}
	ship, err := iorules.DecodeShipment(bytes.NewReader(doc), s.engine.ShipmentChecks()...)
	if err != nil {
		status, msg, probs := inputError(err, "shipment")
		return nil, status, msg, probs
	}
	ds, list, status, msg, probs := s.decide(ship, market)
	if status != 0 {
		return nil, status, msg, probs
	}
	var v any = ds
	if !list {
		v = ds[0]
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, http.StatusInternalServerError, err.Error(), nil
	}
	rv := &resultView{JSON: string(b)}
	for _, d := range ds {
		rv.Decisions = append(rv.Decisions, newDecisionView(d))
	}
	if len(ds) > 1 {
		for _, dv := range rv.Decisions {
			rv.Table = append(rv.Table, decisionRow(dv))
		}
	}
	return rv, 0, "", nil
}

func rolloutResultView(res markets.RolloutResult) (*resultView, int, string, []problem) {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, http.StatusInternalServerError, err.Error(), nil
	}
	rv := &resultView{JSON: string(b), Rollout: &rolloutView{Res: res, Together: res.Summary.Together,
		Unknown: res.Summary.DateUnknown, Declined: res.Summary.Declined}}
	for _, mr := range res.Markets {
		dv := newDecisionView(mr.Decision)
		rv.Decisions = append(rv.Decisions, dv)
		row := decisionRow(dv)
		row.Open = mr.OpenConditions
		if mr.LandedCostInShipmentCurrency != nil {
			row.LandedShip = string(mr.ShipmentCurrency) + " " + money(*mr.LandedCostInShipmentCurrency, mr.ShipmentCurrency)
		}
		row.Missing = row.Missing[:0]
		for _, a := range mr.MissingApprovals {
			m := a.ID + ", " + leadText(a.LeadTimeDays)
			if a.Status == approvals.StatusExpired {
				m += ", expired"
			}
			if !a.HoldsCargo {
				m += ", after clearance"
			}
			row.Missing = append(row.Missing, m)
		}
		rv.Table = append(rv.Table, row)
	}
	return rv, 0, "", nil
}

// newDecisionView derives the summary of a decision: what must happen
// before the cargo moves, the longest lead time first, the money and the
// top reasons.
func newDecisionView(d markets.Decision) decisionView {
	c := d.Currency
	dv := decisionView{D: d}
	if d.LandedCost != nil {
		dv.Landed = money(*d.LandedCost, c)
	}
	if d.TotalTaxes != nil {
		dv.Total = money(*d.TotalTaxes, c)
	}
	if d.PartialTotalTaxes != nil {
		dv.PartialTotal = money(*d.PartialTotalTaxes, c)
	}
	switch {
	case d.Verdict == markets.Decline:
		dv.ShipDate = "none: the shipment is declined"
	case !d.EarliestShipDate.IsZero():
		dv.ShipDate = d.EarliestShipDate.String()
	default:
		dv.ShipDate = "unknown: a missing approval has no known lead time"
	}

	var approvalSteps, otherSteps []step
	for _, r := range d.Reasons {
		switch {
		case r.Severity == iorules.SeverityDecline:
			dv.Steps = append(dv.Steps, step{Kind: "decline", Code: r.Code, What: strings.TrimSuffix(r.Message, "."), Unblock: r.Unblock, Lines: r.Lines, Lead: "cannot move as it stands", leadDays: -1})
		case r.Severity == iorules.SeverityCondition && r.Code != markets.CodeApprovalMissing && r.Code != markets.CodeApprovalExpired:
			otherSteps = append(otherSteps, step{Kind: "condition", Code: r.Code, What: strings.TrimSuffix(r.Message, "."), Unblock: r.Unblock, Lines: r.Lines, Lead: "time not known", leadDays: -1})
		}
	}
	for _, a := range d.Approvals {
		if a.Status == approvals.StatusHeld || !a.Stage.Blocks() {
			continue
		}
		st := step{Kind: "approval", Code: a.ID, What: a.Title + " (" + a.ID + ")", Who: a.Authority, Unblock: a.Unblock, Lines: a.Lines,
			Lead: leadText(a.LeadTimeDays), leadDays: -1}
		if a.LeadTimeDays != nil {
			st.leadDays = *a.LeadTimeDays
		}
		if a.Status == approvals.StatusExpired {
			st.What += ": expired, renew it"
			st.Expired = true
		}
		approvalSteps = append(approvalSteps, st)
	}
	// The longest lead time first: it sets the earliest ship date. An
	// unknown lead time comes before every known one.
	slices.SortStableFunc(approvalSteps, func(a, b step) int {
		ka, kb := a.leadDays, b.leadDays
		if ka < 0 {
			ka = 1 << 30
		}
		if kb < 0 {
			kb = 1 << 30
		}
		return cmp.Compare(kb, ka)
	})
	dv.Steps = append(append(dv.Steps, approvalSteps...), otherSteps...)

	for _, r := range d.Reasons {
		if len(dv.TopReasons) == 5 || (r.Severity == iorules.SeverityInfo && len(dv.TopReasons) >= 3) {
			break
		}
		dv.TopReasons = append(dv.TopReasons, r)
	}
	for _, t := range d.Taxes {
		row := taxRow{Tax: t, AmountText: money(t.Amount, c)}
		if t.Base != nil {
			row.BaseText = money(*t.Base, c)
		}
		if t.Rate != nil {
			row.RateText = rateText(*t.Rate)
		}
		dv.Taxes = append(dv.Taxes, row)
	}
	return dv
}

// decisionRow is a decision's row in the table comparing markets.
func decisionRow(dv decisionView) marketRow {
	d := dv.D
	row := marketRow{Market: d.Market, Verdict: d.Verdict, Landed: "not computed", Total: "not computed", ShipDate: "-"}
	if dv.Landed != "" {
		row.Landed = string(d.Currency) + " " + dv.Landed
	}
	if dv.Total != "" {
		row.Total = string(d.Currency) + " " + dv.Total
	}
	switch {
	case d.Verdict == markets.Decline:
	case d.EarliestShipDate.IsZero():
		row.ShipDate = "unknown"
	default:
		row.ShipDate = d.EarliestShipDate.String()
	}
	// Codes, once each, as prequalify's rollout table gives them: the
	// market's section below has the messages.
	for _, st := range dv.Steps {
		switch {
		case st.Kind == "approval":
			m := st.Code + ", " + st.Lead
			if st.Expired {
				m += ", expired"
			}
			row.Missing = append(row.Missing, m)
		case st.Kind == "condition" && !slices.Contains(row.Open, st.Code):
			row.Open = append(row.Open, st.Code)
		case st.Kind == "decline" && !slices.Contains(row.Declines, st.Code):
			row.Declines = append(row.Declines, st.Code)
		}
	}
	return row
}

// money writes an amount with the minor-unit places of its currency (more
// when it has them, as the decision's JSON does) and groups the integer
// digits by thousands: "1,387,125.00".
func money(x decimal.Decimal, c iorules.Currency) string {
	places := c.MinorUnits()
	s := x.StringFixed(places)
	if -x.Exponent() > places {
		s = x.String()
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, ch := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// rateText writes a rate as the policy gives it ("0.18"): not as a
// percentage, since some rates are amounts per unit (GEKAP's TRY per kg).
func rateText(r decimal.Decimal) string { return r.String() }

// leadText writes a lead time in days, or says it is unknown.
func leadText(days *int) string {
	if days == nil {
		return "lead time unknown"
	}
	if *days == 1 {
		return "1 day"
	}
	return strconv.Itoa(*days) + " days"
}

// lineList writes line numbers: "lines 1, 2" or "all lines".
func lineList(ls []int) string {
	if len(ls) == 0 {
		return "all lines"
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = strconv.Itoa(l)
	}
	if len(ls) == 1 {
		return "line " + parts[0]
	}
	return "lines " + strings.Join(parts, ", ")
}

// stageTitle names an approval stage for a person.
func stageTitle(s approvals.Stage) string {
	switch s {
	case approvals.BeforeShipment:
		return "before shipment"
	case approvals.BeforeClearance:
		return "before clearance"
	case approvals.AfterClearance:
		return "after clearance"
	}
	return string(s)
}

// render writes the page with status.
func (s *service) render(w http.ResponseWriter, status int, data pageData) {
	var buf bytes.Buffer
	if err := s.page.tmpl.ExecuteTemplate(&buf, "page.html", data); err != nil {
		s.log.Error("render", "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

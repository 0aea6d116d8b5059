package main

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/markets"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// TestSamplesMatchExamples keeps the page's embedded samples identical to
// the files in examples/shipments, and every sample file offered.
func TestSamplesMatchExamples(t *testing.T) {
	files, err := filepath.Glob("samples/*.json")
	require.NoError(t, err)
	var offered []string
	for _, st := range sampleTitles {
		offered = append(offered, filepath.Join("samples", st.name))
	}
	slices.Sort(offered)
	if diff := cmp.Diff(files, offered); diff != "" {
		t.Errorf("sample files (-disk +offered):\n%s", diff)
	}
	for _, st := range sampleTitles {
		t.Run(st.name, func(t *testing.T) {
			want := readFile(t, filepath.Join(shipmentsDir, st.name))
			got := readFile(t, filepath.Join("samples", st.name))
			require.True(t, bytes.Equal(want, got), "samples/%s differs from examples/shipments/%s: copy it again", st.name, st.name)
		})
	}
}

// postForm submits the page's form, url-encoded as a browser without
// JavaScript sends it when no file is chosen.
func postForm(t *testing.T, h http.Handler, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// postMultipart submits the form with a file, as the browser does.
func postMultipart(t *testing.T, h http.Handler, fields map[string]string, fileName string, file []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("file", fileName)
	require.NoError(t, err)
	_, err = fw.Write(file)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req := httptest.NewRequest(http.MethodPost, "/", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var (
	controlRE = regexp.MustCompile(`<(?:textarea|select|input)[^>]*\sid="([^"]+)"`)
	rowRE     = regexp.MustCompile(`<tr data-market="([A-Z]{2})">`)
	pathRE    = regexp.MustCompile(`<code class="path">([^<]*)</code>`)
)

// TestPageIsLabelled: every form control has a label, the page has one
// main landmark and the result is announced by a heading.
func TestPageIsLabelled(t *testing.T) {
	h := newTestHandler(t)
	for _, page := range []string{
		do(t, h, http.MethodGet, "/", nil).Body.String(),
		postForm(t, h, url.Values{"sample": {"br-servers-sp.json"}}).Body.String(),
		postForm(t, h, url.Values{"shipment": {"{"}}).Body.String(),
	} {
		ids := controlRE.FindAllStringSubmatch(page, -1)
		require.Len(t, ids, 4, "sample, file, market and the text area")
		for _, m := range ids {
			require.Contains(t, page, `<label for="`+m[1]+`">`, "control %s has a label", m[1])
		}
		require.Equal(t, 1, strings.Count(page, "<main"))
		require.Contains(t, page, `<html lang="en">`)
	}
}

// TestPageWithoutJavaScript drives the basic flow with plain form posts.
func TestPageWithoutJavaScript(t *testing.T) {
	h := newTestHandler(t)
	engine, err := testEngine()
	require.NoError(t, err)
	br := readFile(t, filepath.Join(shipmentsDir, "br-servers-sp.json"))
	brShip, err := iorules.DecodeShipment(bytes.NewReader(br))
	require.NoError(t, err)
	brDecision, err := engine.Prequalify(brShip)
	require.NoError(t, err)
	invalid := string(readFile(t, filepath.Join(goldenDir, "invalid-shipment.json")))

	tests := []struct {
		name     string
		send     func() *httptest.ResponseRecorder
		status   int
		has      []string
		hasNot   []string
		paths    []string // field paths shown next to the text area
		markets  int      // rows of the table comparing markets
		verdicts []string
	}{
		{
			name:     "a sample, the destination",
			send:     func() *httptest.ResponseRecorder { return postForm(t, h, url.Values{"sample": {"br-servers-sp.json"}}) },
			status:   200,
			verdicts: []string{"clear"},
			has: []string{
				// the tax table, the summary's figures, and the API's JSON
				`<tr data-tax="br.ii">`,
				`<td class="num amount">` + money(brDecision.Taxes[0].Amount, "BRL") + `</td>`,
				`<dd class="total-taxes">BRL ` + money(*brDecision.TotalTaxes, "BRL") + `</dd>`,
				`<dd class="landed-cost">BRL ` + money(*brDecision.LandedCost, "BRL") + `</dd>`,
				html.EscapeString(string(readFile(t, filepath.Join(goldenDir, "br-servers-sp.json.golden")))[:200]),
				`<option value="br-servers-sp.json" selected>`,
			},
			hasNot: []string{`id="field-errors"`},
		},
		{
			name: "an uploaded file, a market named",
			send: func() *httptest.ResponseRecorder {
				return postMultipart(t, h, map[string]string{"market": "TR", "shipment": "ignored: the file wins"}, "tr.json",
					readFile(t, filepath.Join(shipmentsDir, "tr-network.json")))
			},
			status:   200,
			verdicts: []string{"conditional"},
			has:      []string{"TAREKS", `<span class="lead">lead time unknown</span>`, `<option value="TR" selected>`},
		},
		{
			name: "the text area wins over the sample",
			send: func() *httptest.ResponseRecorder {
				return postForm(t, h, url.Values{"sample": {"br-servers-sp.json"},
					"shipment": {string(readFile(t, filepath.Join(shipmentsDir, "vn-refurbished.json")))}})
			},
			status:   200,
			verdicts: []string{"decline"},
			has:      []string{"none: the shipment is declined", `class="step step-decline"`},
		},
		{
			name: "all markets: the table comparing them",
			send: func() *httptest.ResponseRecorder {
				return postForm(t, h, url.Values{"sample": {"tr-network.json"}, "market": {"all"}})
			},
			status:   200,
			markets:  11,
			verdicts: nil,
			has:      []string{`id="markets-table"`, `<details class="more">`, `<li><code>eu_no_russia_clause</code></li>`},
			// the table names codes; the messages are in each market's section
			hasNot: []string{`<li>HS 8517.62`},
		},
		{
			name: "a rollout",
			send: func() *httptest.ResponseRecorder {
				return postForm(t, h, url.Values{"sample": {"rollout-nine-markets.json"}})
			},
			status:  200,
			markets: 9,
			has:     []string{"Markets that can move together", "In USD"},
		},
		{
			name:   "an invalid shipment: every problem next to the text area",
			send:   func() *httptest.ResponseRecorder { return postForm(t, h, url.Values{"shipment": {invalid}}) },
			status: 400,
			paths:  []string{"date", "destination_subdivision", "charges.freight", "items[0].quantity", "items[0].unit_value", "items[0].colour"},
			has:    []string{`aria-invalid="true"`, `role="alert"`, "6 problems with the document", html.EscapeString(invalid)},
			hasNot: []string{`id="result"`},
		},
		{
			name:   "malformed JSON",
			send:   func() *httptest.ResponseRecorder { return postForm(t, h, url.Values{"shipment": {`{"id": `}}) },
			status: 400,
			paths:  []string{"(the document)"},
		},
		{
			name: "an unknown market",
			send: func() *httptest.ResponseRecorder {
				return postForm(t, h, url.Values{"sample": {"tr-network.json"}, "market": {"ZZ"}})
			},
			status: 400,
			paths:  []string{"?market"},
		},
		{
			name:   "nothing to evaluate",
			send:   func() *httptest.ResponseRecorder { return postForm(t, h, url.Values{}) },
			status: 400,
			has:    []string{"Paste a shipment, upload a file or pick a sample first."},
		},
		{
			name:   "an unknown sample",
			send:   func() *httptest.ResponseRecorder { return postForm(t, h, url.Values{"sample": {"../../etc/passwd"}}) },
			status: 400,
			has:    []string{"no sample named"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := tc.send()
			page := rec.Body.String()
			require.Equal(t, tc.status, rec.Code, page)
			require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
			for _, s := range tc.has {
				require.Contains(t, page, s)
			}
			for _, s := range tc.hasNot {
				require.NotContains(t, page, s)
			}
			var paths []string
			for _, m := range pathRE.FindAllStringSubmatch(page, -1) {
				paths = append(paths, html.UnescapeString(m[1]))
			}
			if diff := cmp.Diff(tc.paths, paths); diff != "" {
				t.Errorf("field paths shown (-want +got):\n%s", diff)
			}
			require.Len(t, rowRE.FindAllString(page, -1), tc.markets, "rows comparing markets")
			for _, v := range tc.verdicts {
				require.Contains(t, page, `data-verdict="`+v+`"`)
			}
		})
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		in   string
		c    iorules.Currency
		want string
	}{
		{"0", "BRL", "0.00"},
		{"1387125", "BRL", "1,387,125.00"},
		{"-1234.5", "TRY", "-1,234.50"},
		{"999", "BRL", "999.00"},
		{"1000", "VND", "1,000"},
		{"123456789.123", "BRL", "123,456,789.123"},
		{"12.3456", "KWD", "12.3456"},
	}
	for _, tc := range tests {
		t.Run(tc.in+" "+string(tc.c), func(t *testing.T) {
			require.Equal(t, tc.want, money(decimal.RequireFromString(tc.in), tc.c))
		})
	}
}

// TestStepsOrder: what must happen before the cargo moves lists declines
// first, then the missing approvals that hold the cargo (an unknown lead
// time, then the longest), then the other conditions; held approvals and
// approvals needed only after clearance are left out.
func TestStepsOrder(t *testing.T) {
	days := func(n int) *int { return &n }
	d := markets.Decision{
		Market: "XX", Currency: "USD", Verdict: markets.Decline,
		Reasons: []iorules.Reason{
			{Code: "embargo", Severity: iorules.SeverityDecline, Message: "embargoed"},
			{Code: "export_licence_required", Severity: iorules.SeverityCondition, Message: "licence"},
			{Code: markets.CodeApprovalMissing, Severity: iorules.SeverityCondition, Message: "listed as an approval"},
			{Code: "note", Severity: iorules.SeverityInfo, Message: "fyi"},
		},
		Approvals: []approvals.Approval{
			{ID: "xx.short", Title: "short", Stage: approvals.BeforeShipment, Status: approvals.StatusRequired, LeadTimeDays: days(10)},
			{ID: "xx.unknown", Title: "unknown", Stage: approvals.BeforeClearance, Status: approvals.StatusRequired},
			{ID: "xx.long", Title: "long", Stage: approvals.BeforeClearance, Status: approvals.StatusExpired, LeadTimeDays: days(45)},
			{ID: "xx.held", Title: "held", Stage: approvals.BeforeShipment, Status: approvals.StatusHeld, LeadTimeDays: days(90)},
			{ID: "xx.after", Title: "after", Stage: approvals.AfterClearance, Status: approvals.StatusRequired, LeadTimeDays: days(120)},
		},
	}
	dv := newDecisionView(d)
	var got []string
	for _, s := range dv.Steps {
		got = append(got, s.Kind+": "+s.What+": "+s.Lead)
	}
	want := []string{
		"decline: embargoed: cannot move as it stands",
		"approval: unknown (xx.unknown): lead time unknown",
		"approval: long (xx.long): expired, renew it: 45 days",
		"approval: short (xx.short): 10 days",
		"condition: licence: time not known",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	require.Equal(t, "none: the shipment is declined", dv.ShipDate)
	require.Len(t, dv.TopReasons, 3, "the declines and conditions, then info only up to three")
}

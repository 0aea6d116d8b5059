package markets_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// withRule returns the mini policy with one more rule before tr.big.
func withRule(t *testing.T, rule string) string {
	t.Helper()
	base := miniPolicy(t)
	require.Contains(t, base, "  - id: tr.big\n")
	return strings.Replace(base, "  - id: tr.big\n", rule+"  - id: tr.big\n", 1)
}

func engineFor(t *testing.T, src string) *markets.Engine {
	t.Helper()
	engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}}))
	require.NoError(t, err)
	return engine
}

func codes(d markets.Decision) []string {
	var out []string
	for _, r := range d.Reasons {
		out = append(out, r.Code+" "+r.Rule)
	}
	return out
}

func TestHasDocument(t *testing.T) {
	engine := engineFor(t, withRule(t, `  - id: tr.invoice
    kind: condition
    scope: shipment
    when: '!has_document("commercial_invoice")'
    code: document_missing
    message: no invoice
    unblock: provide the invoice
    source: test
    confidence: confirmed
  - id: tr.doc_fields
    kind: info
    scope: shipment
    when: >-
      shipment.related_party && shipment.documents.exists(d, d.type == "certificate"
        && "R1U-G5" in d.models && d.lines.size() == 1 && d.lines[0] == 2 && d.reference == "C-1" && d.date == "2026-01-10")
    message: certificate fields readable
    source: test
    confidence: confirmed
`))
	tests := []struct {
		name    string
		mutate  func(s *iorules.Shipment)
		want    []string
		notWant []string
	}{
		{"no documents", func(*iorules.Shipment) {}, []string{"document_missing tr.invoice"}, nil},
		{"invoice listed", func(s *iorules.Shipment) {
			s.Documents = []iorules.Document{{Type: iorules.DocumentCommercialInvoice}}
		}, nil, []string{"document_missing tr.invoice"}},
		{"another document only", func(s *iorules.Shipment) {
			s.Documents = []iorules.Document{{Type: iorules.DocumentPackingList}}
		}, []string{"document_missing tr.invoice"}, nil},
		{"document fields in CEL", func(s *iorules.Shipment) {
			s.RelatedParty = true
			s.Documents = []iorules.Document{{Type: iorules.DocumentCertificate, Reference: "C-1",
				Date: iorules.MustParseDate("2026-01-10"), Models: []string{"R1U-G5"}, Lines: []int{2}}}
		}, []string{"fired tr.doc_fields", "related_party_transaction valuation.related_party"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sample(t)
			tt.mutate(&s)
			d, err := engine.Prequalify(s)
			require.NoError(t, err)
			got := codes(d)
			for _, w := range tt.want {
				if rule, ok := strings.CutPrefix(w, "fired "); ok {
					require.Contains(t, d.Fired, markets.FiredRule{Rule: rule, Lines: []int{}})
					continue
				}
				require.Contains(t, got, w)
			}
			for _, w := range tt.notWant {
				require.NotContains(t, got, w)
			}
		})
	}
}

func TestHasDocumentLoadErrors(t *testing.T) {
	rule := func(when string) string {
		return "  - id: tr.doc\n    kind: condition\n    scope: shipment\n    when: '" + when + "'\n" +
			"    message: m\n    unblock: u\n    source: test\n    confidence: confirmed\n"
	}
	tests := []struct {
		name, when, want string
	}{
		{"misspelt type", `!has_document("comercial_invoice")`, `rule tr.doc: has_document: unknown document type "comercial_invoice" (want one of commercial_invoice, packing_list,`},
		{"not a literal", `!has_document(shipment.id)`, "rule tr.doc: has_document: the document type must be a string literal"},
		{"not a string", `!has_document(1)`, "rule tr.doc: has_document: the document type must be a string literal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := loadIssues(t, withRule(t, rule(tt.when)))
			var lines []string
			for _, is := range issues {
				lines = append(lines, is.String())
			}
			require.Contains(t, strings.Join(lines, "\n"), tt.want)
		})
	}
}

func TestReviewFindingsReachTheDecision(t *testing.T) {
	engine, err := markets.New(markets.WithPolicies(os.DirFS("testdata/mini")))
	require.NoError(t, err)
	s := sample(t)
	s.Items[0].Model = "R1U-G5"
	s.Items[1].Model = "S4850"
	s.Items[1].Description = "Parts"
	s.Items[1].ApprovalsHeld = []iorules.HeldApproval{{ID: "tr.tareks", Reference: "T-9", Models: []string{"S4825"}}}
	s.Documents = []iorules.Document{{Type: iorules.DocumentDeclarationOfConformity, Reference: "DOC-1",
		Date: iorules.MustParseDate("2026-12-01"), Lines: []int{1}}}
	refs := []valuation.ReferencePrice{{HS6: "847150", Currency: "USD", Low: decimal.RequireFromString("8000"),
		High: decimal.RequireFromString("12000"), Source: "test benchmark", Date: iorules.MustParseDate("2026-10-01")}}

	d, err := engine.Prequalify(s, markets.WithReferencePrices(refs, decimal.RequireFromString("0.25")))
	require.NoError(t, err)
	require.Equal(t, markets.Conditional, d.Verdict)
	got := codes(d)
	for _, want := range []string{
		"conformity_declaration_after_shipment documents.conformity_date",
		"description_too_vague documents.description",
		"approval_model_not_covered documents.approval_models",
		"approval_missing tr.tareks",
		"valuation_evidence_needed valuation.reference_prices",
	} {
		require.Contains(t, got, want)
	}
	for _, r := range d.Reasons {
		if r.Code == "valuation_evidence_needed" {
			require.Equal(t, []int{1}, r.Lines)
			require.Contains(t, r.Message, "USD 5000.00 is 37.5% below the low reference price USD 8000.00 for HS 8471.50")
			require.Contains(t, r.Source, "test benchmark")
		}
		if r.Code == "approval_model_not_covered" {
			require.Equal(t, "Line 2 lists tr.tareks certificate T-9, which names S4825 but not the line's model S4850: "+
				"a certificate covers only the models it names, so the approval is not held for this line.", r.Message)
		}
	}

	// Within the tolerance the price passes; PrequalifyAll applies the option too.
	ds, err := engine.PrequalifyAll(s, markets.WithReferencePrices(refs, decimal.RequireFromString("0.4")))
	require.NoError(t, err)
	require.NotContains(t, codes(ds[0]), "valuation_evidence_needed valuation.reference_prices")
}

func TestAuditRecord(t *testing.T) {
	src := miniPolicy(t)
	s := sample(t)
	evaluate := func(t *testing.T, policy string, opts ...markets.EvalOption) (markets.Decision, []byte) {
		t.Helper()
		d, err := engineFor(t, policy).Prequalify(s, opts...)
		require.NoError(t, err)
		raw, err := json.Marshal(d)
		require.NoError(t, err)
		return d, raw
	}
	first, firstJSON := evaluate(t, src)

	shipmentJSON, err := json.Marshal(s)
	require.NoError(t, err)
	sum := sha256.Sum256(shipmentJSON)
	policySum := sha256.Sum256([]byte(src))
	require.Equal(t, markets.Audit{
		ShipmentSHA256:  hex.EncodeToString(sum[:]),
		PolicySHA256:    hex.EncodeToString(policySum[:]),
		PolicySetSHA256: engineFor(t, src).PolicySetSHA256(),
		Library:         "github.com/iorules/iorules@v" + markets.Version,
	}, first.Audit)
	require.Equal(t, first.Policy.SHA256, first.Audit.PolicySHA256)
	require.Contains(t, string(firstJSON), `"audit":{"shipment_sha256":"`+first.Audit.ShipmentSHA256+`"`)

	t.Run("stable across engines and runs", func(t *testing.T) {
		for range 3 {
			_, again := evaluate(t, src)
			require.Equal(t, string(firstJSON), string(again))
		}
	})
	t.Run("any policy byte changes the policy hashes", func(t *testing.T) {
		for _, edit := range []struct{ old, new string }{
			{"name: Test market", "name: Test marker"},
			{`value: "0.20"`, `value: "0.21"`},
			{"source: test\n", "source: test \n"},
		} {
			require.Contains(t, src, edit.old)
			d, _ := evaluate(t, strings.Replace(src, edit.old, edit.new, 1))
			require.NotEqual(t, first.Audit.PolicySHA256, d.Audit.PolicySHA256, edit.new)
			require.NotEqual(t, first.Audit.PolicySetSHA256, d.Audit.PolicySetSHA256, edit.new)
			require.Equal(t, first.Audit.ShipmentSHA256, d.Audit.ShipmentSHA256)
		}
	})
	t.Run("another policy file in the set changes the set hash only", func(t *testing.T) {
		other := strings.NewReplacer("market: TR", "market: BR", "currency: TRY", "currency: BRL", "tr.", "br.").Replace(src)
		engine, err := markets.New(markets.WithPolicies(fstest.MapFS{"zz.yaml": {Data: []byte(src)}, "br.yaml": {Data: []byte(other)}}))
		require.NoError(t, err)
		d, err := engine.Prequalify(s)
		require.NoError(t, err)
		require.Equal(t, first.Audit.PolicySHA256, d.Audit.PolicySHA256)
		require.NotEqual(t, first.Audit.PolicySetSHA256, d.Audit.PolicySetSHA256)
	})
	t.Run("the shipment and the options are fingerprinted", func(t *testing.T) {
		changed := s
		changed.ID = "T-2"
		d, err := engineFor(t, src).Prequalify(changed)
		require.NoError(t, err)
		require.NotEqual(t, first.Audit.ShipmentSHA256, d.Audit.ShipmentSHA256)
		require.Empty(t, first.Audit.OptionsSHA256, "no options supplied")

		refs := []valuation.ReferencePrice{{HS6: "847150", Currency: "USD", Low: decimal.NewFromInt(1), High: decimal.NewFromInt(2),
			Source: "test", Date: iorules.MustParseDate("2026-01-01")}}
		withRefs, _ := evaluate(t, src, markets.WithReferencePrices(refs, decimal.Zero))
		withList, _ := evaluate(t, src, markets.WithScreening(exportctl.Options{Parties: []exportctl.ListedParty{{Name: "X", List: "EL"}}}))
		again, _ := evaluate(t, src, markets.WithReferencePrices(refs, decimal.Zero))
		require.NotEmpty(t, withRefs.Audit.OptionsSHA256)
		require.NotEqual(t, withRefs.Audit.OptionsSHA256, withList.Audit.OptionsSHA256)
		require.Equal(t, withRefs.Audit.OptionsSHA256, again.Audit.OptionsSHA256)
	})
}

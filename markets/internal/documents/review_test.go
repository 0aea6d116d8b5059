package documents

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// shipment is a valid server shipment with its invoice and packing list.
func shipment() iorules.Shipment {
	item := func(line int, sku, model, desc string, c iorules.Category) iorules.Item {
		return iorules.Item{Line: line, SKU: sku, Model: model, Description: desc, Category: c,
			HSCode: iorules.MustParseHSCode("8471.50"), Quantity: 1, UnitValue: decimal.NewFromInt(100),
			Condition: iorules.ConditionNew, CountryOfOrigin: "MX"}
	}
	return iorules.Shipment{
		ID: "S-1", Date: iorules.MustParseDate("2026-11-25"), Origin: "US", Destination: "TR",
		Incoterm: iorules.CIF, TransportMode: iorules.TransportAir, Currency: "USD",
		ExchangeRates:    map[iorules.Currency]decimal.Decimal{"USD": decimal.NewFromInt(40)},
		Exporter:         iorules.Party{Name: "Acme Inc", Country: "US"},
		ImporterOfRecord: iorules.Party{Name: "IOR AS", Country: "TR"},
		EndUser:          iorules.Party{Name: "DC AS", Country: "TR"},
		Items: []iorules.Item{
			item(1, "NW-R1U-G5", "R1U-G5", "1U rack server, 2 CPUs, 512 GB RAM", iorules.CategoryServer),
			item(2, "NW-R2U-S24", "R2U-S24", "2U storage server, 24 NVMe bays", iorules.CategoryStorage),
		},
		Documents: []iorules.Document{
			{Type: iorules.DocumentCommercialInvoice, Reference: "INV-1", Date: iorules.MustParseDate("2026-11-20")},
			{Type: iorules.DocumentPackingList, Reference: "PL-1"},
		},
	}
}

// finding is the part of a reason the tests compare.
type finding struct {
	Code     string
	Severity iorules.Severity
	Lines    []int
	Rule     string
}

func findings(rs []iorules.Reason) []finding {
	var out []finding
	for _, r := range rs {
		out = append(out, finding{r.Code, r.Severity, r.Lines, r.Rule})
	}
	return out
}

func TestReview(t *testing.T) {
	doc := func(typ iorules.DocumentType, ref, date string, models []string, lines ...int) iorules.Document {
		d := iorules.Document{Type: typ, Reference: ref, Models: models, Lines: lines}
		if date != "" {
			d.Date = iorules.MustParseDate(date)
		}
		return d
	}
	tests := []struct {
		name   string
		mutate func(s *iorules.Shipment)
		want   []finding
	}{
		{"clean shipment", func(*iorules.Shipment) {}, nil},
		{"declaration of conformity before the shipment", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentDeclarationOfConformity, "DOC-1", "2026-01-10", nil, 1))
		}, nil},
		{"declaration of conformity on the shipment date", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentDeclarationOfConformity, "DOC-1", "2026-11-25", nil))
		}, nil},
		{"declaration of conformity dated after the shipment", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentDeclarationOfConformity, "DOC-1", "2026-11-26", nil, 1, 2))
		}, []finding{{codeConformityLate, iorules.SeverityCondition, []int{1, 2}, ruleConformityDate}}},
		{"declaration of conformity without a date", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentDeclarationOfConformity, "", "", nil))
		}, []finding{{codeDateMissing, iorules.SeverityInfo, nil, ruleConformityDate}}},
		{"an undated invoice is not checked", func(s *iorules.Shipment) {
			s.Documents[0].Date = iorules.Date{}
		}, nil},
		{"a late certificate is not a declaration of conformity", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentCertificate, "C-1", "2027-01-01", nil))
		}, nil},
		{"document names the lines' models", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentDeclarationOfConformity, "DOC-1", "2026-01-10", []string{"r1u-g5", "R2U-S24"}, 1, 2))
		}, nil},
		{"document names another model", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentCertificate, "C-1", "", []string{"R1U-G4"}, 2, 1))
		}, []finding{{codeModelMismatch, iorules.SeverityCondition, []int{1, 2}, ruleModels}}},
		{"document models without lines are not matched", func(s *iorules.Shipment) {
			s.Documents = append(s.Documents, doc(iorules.DocumentCertificate, "C-1", "", []string{"R1U-G4"}))
		}, nil},
		{"a line without a model is not matched", func(s *iorules.Shipment) {
			s.Items[0].Model = ""
			s.Documents = append(s.Documents, doc(iorules.DocumentCertificate, "C-1", "", []string{"R1U-G4"}, 1))
		}, nil},
		{"description is the SKU", func(s *iorules.Shipment) { s.Items[1].Description = "nw-r2u-s24" },
			[]finding{{codeVague, iorules.SeverityCondition, []int{2}, ruleDescription}}},
		{"description is the model", func(s *iorules.Shipment) { s.Items[0].Description = "R1U G5" },
			[]finding{{codeVague, iorules.SeverityCondition, []int{1}, ruleDescription}}},
		{"a single word", func(s *iorules.Shipment) { s.Items[0].Description = "Server" },
			[]finding{{codeVague, iorules.SeverityCondition, []int{1}, ruleDescription}}},
		{"only generic words", func(s *iorules.Shipment) { s.Items[0].Description = "Miscellaneous spare parts and accessories" },
			[]finding{{codeVague, iorules.SeverityCondition, []int{1}, ruleDescription}}},
		{"generic words with the SKU and a number", func(s *iorules.Shipment) { s.Items[0].Description = "NW-R1U-G5 parts, 2 items" },
			[]finding{{codeVague, iorules.SeverityCondition, []int{1}, ruleDescription}}},
		{"a generic term with one word of detail", func(s *iorules.Shipment) { s.Items[1].Description = "Server parts" },
			[]finding{{codeVague, iorules.SeverityCondition, []int{2}, ruleDescription}}},
		{"two specific words are enough", func(s *iorules.Shipment) { s.Items[1].Description = "5G smartphone" }, nil},
		{"a generic word in a full description is fine", func(s *iorules.Shipment) {
			s.Items[1].Description = "Rail kit for 1U rack server"
		}, nil},
		{"PDUs and cables with servers", func(s *iorules.Shipment) {
			s.Items = append(s.Items,
				iorules.Item{Line: 4, Description: "Cat6A patch cords with RJ45 connectors", Category: iorules.CategoryCableCopper},
				iorules.Item{Line: 3, Description: "Metered rack PDU, 32 A", Category: iorules.CategoryPDU},
				iorules.Item{Line: 5, Description: "48-port data-centre switch", Category: iorules.CategorySwitch})
		}, []finding{{codeAccessoryReview, iorules.SeverityInfo, []int{3, 4}, ruleAccessories}}},
		{"PDUs without servers", func(s *iorules.Shipment) {
			s.Items = []iorules.Item{{Line: 1, Description: "Metered rack PDU, 32 A", Category: iorules.CategoryPDU}}
		}, nil},
		{"every finding, in order", func(s *iorules.Shipment) {
			s.Items[1].Description = "goods"
			s.Items = append(s.Items, iorules.Item{Line: 3, Description: "10 kVA online UPS", Category: iorules.CategoryUPS})
			s.Documents = append(s.Documents,
				doc(iorules.DocumentCertificate, "C-1", "", []string{"X"}, 1),
				doc(iorules.DocumentDeclarationOfConformity, "DOC-1", "2027-02-01", nil))
		}, []finding{
			{codeConformityLate, iorules.SeverityCondition, nil, ruleConformityDate},
			{codeModelMismatch, iorules.SeverityCondition, []int{1}, ruleModels},
			{codeVague, iorules.SeverityCondition, []int{2}, ruleDescription},
			{codeAccessoryReview, iorules.SeverityInfo, []int{3}, ruleAccessories},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := shipment()
			tt.mutate(&s)
			got := Review(s)
			require.Empty(t, cmp.Diff(tt.want, findings(got)))
			for _, r := range got {
				require.NotEmpty(t, r.Message)
				require.NotEmpty(t, r.Source, "every finding cites the practice it encodes")
				if r.Severity == iorules.SeverityCondition {
					require.NotEmpty(t, r.Unblock, "a condition says what lifts it")
				}
			}
		})
	}
}

func TestReviewMessages(t *testing.T) {
	s := shipment()
	s.Items[0].Description = "Parts"
	s.Documents = append(s.Documents,
		iorules.Document{Type: iorules.DocumentDeclarationOfConformity, Reference: "DOC-7", Date: iorules.MustParseDate("2026-12-01")},
		iorules.Document{Type: iorules.DocumentCertificate, Reference: "C-9", Models: []string{"R1U-G4"}, Lines: []int{1, 2}})
	var msgs []string
	for _, r := range Review(s) {
		msgs = append(msgs, r.Message)
	}
	want := []string{
		"The declaration of conformity DOC-7 is dated 2026-12-01, after the shipment date 2026-11-25: a declaration issued after the goods left may not evidence their conformity at import.",
		"The certificate C-9 names model R1U-G4, but lines 1, 2 it covers are models R1U-G5, R2U-S24: a document evidences only the models it names.",
		`Line 1: the description "Parts" is a single word. Customs and the importer of record classify the goods from the description, so it must say what they are and what they do.`,
	}
	require.Equal(t, want, msgs)
}

func TestParseRejectsBadData(t *testing.T) {
	good := string(reviewYAML)
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown field", "  min_words: 2", "  min_word: 2", "field min_word not found"},
		{"no minimum", "  min_words: 2", "  min_words: 0", "description.min_words: must be at least 1"},
		{"unknown category", "categories: [pdu,", "categories: [power_strip,", `unknown category "power_strip"`},
		{"no source", "conformity:\n  source: >-", "conformity:\n  source: \"\"\n  old_source: >-", "field old_source not found"},
		{"bad confidence", "  confidence: confirmed\n  # A description", "  confidence: maybe\n  # A description", `description.confidence: want confirmed or unconfirmed, not "maybe"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, good, tt.old)
			_, err := parse([]byte(strings.Replace(good, tt.old, tt.new, 1)))
			require.ErrorContains(t, err, tt.want)
		})
	}
	_, err := parse(reviewYAML)
	require.NoError(t, err)
}

// TestNormalizedEquals holds normalizedEquals to comparing with normalize.
func TestNormalizedEquals(t *testing.T) {
	words := []string{"", "-", "R1U-G5", "r1u-g5", "r1ug5", "R1UG", "Ärger", "ärger", "x\xffy", "xy", "ǅ", "ǆ", "1.2+3", "123"}
	for _, a := range words {
		for _, b := range words {
			n := normalize(b)
			if got, want := normalizedEquals(a, n), normalize(a) == n; got != want {
				t.Errorf("normalizedEquals(%q, %q) = %v, want %v", a, n, got, want)
			}
		}
	}
}

package iorules

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzDecodeShipment checks that DecodeShipment never panics, that every
// failure is reported as FieldErrors of one line each, and that a shipment it accepts passes
// Validate and survives json.Marshal and a second decode unchanged.
func FuzzDecodeShipment(f *testing.F) {
	f.Add(sample(f))
	f.Add(edited(f, set("items.0.tpp", "4800.25"), set("items.0.radio", []any{"wifi", "nfc"})))
	f.Add(edited(f, set("currency", "BRL"), set("exchange_rates", nil), set("incoterm", "EXW")))
	f.Add(edited(f, set("destination", "VN"), set("destination_subdivision", nil),
		set("exchange_rates", map[string]any{"USD": "26345.123456789012"})))
	f.Add(edited(f, set("items.0.unit_value", "1e1000000")))
	f.Add(edited(f, set("items.0.unit_value", strings.Repeat("9", 5000))))
	f.Add(edited(f, set("items.0.unit_value", raw("12.5")), set("items.0.quantity", raw("1.5"))))
	f.Add(edited(f, set("date", "2026-02-30"), set("items.0.hs_code", "84.71"), set("bogus", true)))
	f.Add(edited(f, set("items.0.approvals_held.0.valid_until", "0001-01-01")))
	f.Add(edited(f, set("end_user.ownership", owned(owner("Holding A", "CN", "50.5"), owner("B", "SG", "25"))),
		set("importer_of_record.ownership", owned())))
	f.Add(edited(f, set("end_user.ownership", owned(owner("A", "CN", "60"), owner("B", "XX", "40.000001"))),
		set("exporter.ownership", map[string]any{"owners": nil})))
	f.Add(edited(f, set("end_user.ownership", owned(owner("A", "CN", json.Number("1e400")), owner("", "CN", "-0")))))
	f.Add(edited(f, set("documents", []any{doc("certificate", "date", "0001-01-01")})))
	f.Add(bytes.Replace(sample(f), []byte("1U rack server"), []byte("1U rack \\ud800 \\udc00\\ud83d\\ude00 server"), 1))
	f.Add(bytes.Replace(sample(f), []byte("Acme Inc"), []byte("Acme \xff\xed\xa0\x80 \u202e\u001b Inc"), 1))
	for _, s := range []string{"", "null", "[]", "{", "{}", `{"items":[{}]}`, `{"id":"a","id":"b"}`,
		`{"exchange_rates":{"USD":"-0","":"1"}}`, "{} {}", `"\ud800"`, `{"items":[[[[[[]]]]]]}`} {
		f.Add([]byte(s))
	}
	opts := shipmentCmp

	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeShipment(bytes.NewReader(data))
		if err != nil {
			fes := FieldErrors(err)
			if len(fes) == 0 {
				t.Fatalf("error without FieldErrors: %v", err)
			}
			for _, fe := range fes {
				if strings.ContainsAny(fe.Error(), "\r\n") {
					t.Fatalf("a problem spans lines: %q", fe.Error())
				}
			}
			if !cmp.Equal(Shipment{}, s, opts...) {
				t.Fatalf("failed decode returned a non-zero shipment")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("decoded shipment fails Validate: %v", err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := DecodeShipment(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("re-encoded shipment does not decode: %v\n%s", err, b)
		}
		if diff := cmp.Diff(s, again, opts...); diff != "" {
			t.Fatalf("round trip changed the shipment (-first +second):\n%s", diff)
		}
	})
}

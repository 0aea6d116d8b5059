package iorules

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDecodeInvalidUnicode checks that a string that is not valid Unicode
// is an input error naming the field, wherever it is (issue 16, B7):
// encoding/json would replace each bad byte or lone surrogate with U+FFFD,
// so that different inputs decode to the same shipment and audit hash.
func TestDecodeInvalidUnicode(t *testing.T) {
	const (
		badUTF8   = "invalid UTF-8"
		surrogate = `invalid UTF-16: lone surrogate \ud800`
	)
	// replace rewrites the sample's text: old must occur once.
	replace := func(old, new string) []byte {
		b := sample(t)
		require.Equal(t, 1, bytes.Count(b, []byte(old)), old)
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
	tests := []struct {
		name string
		in   []byte
		want []string
	}{
		{"description, bad byte", replace(`"1U rack server`, "\"1U rack \xffserver"),
			[]string{"items[0].description: " + badUTF8}},
		{"description, other bad byte", replace(`"1U rack server`, "\"1U rack \xfeserver"),
			[]string{"items[0].description: " + badUTF8}},
		{"description, lone surrogate", replace(`"1U rack server`, `"1U rack \ud800server`),
			[]string{"items[0].description: " + surrogate}},
		{"description, low surrogate first", replace(`"1U rack server`, `"1U rack \udc00\ud800server`),
			[]string{`items[0].description: invalid UTF-16: lone surrogate \udc00`}},
		{"surrogate encoded as UTF-8", replace(`"Acme Inc"`, "\"Acme \xed\xa0\x80Inc\""),
			[]string{"exporter.name: " + badUTF8}},
		{"truncated sequence", replace(`"DC Co"`, "\"DC Co\xc3\""), []string{"end_user.name: " + badUTF8}},
		{"registration id", replace(`"id": "123"`, `"id": "12\ud8003"`),
			[]string{"importer_of_record.registrations[0].id: " + surrogate}},
		{"approval reference", replace(`"12345-21-01234"`, "\"12345-21-\xff01234\""),
			[]string{"items[0].approvals_held[0].reference: " + badUTF8}},
		{"date", replace(`"2026-11-25"`, `"2026-11-25\ud800"`), []string{"date: " + surrogate}},
		{"decimal", replace(`"9700.00"`, "\"9700.00\xff\""), []string{"items[0].unit_value: " + badUTF8}},
		{"enum", replace(`"server"`, `"server\ud800"`), []string{"items[0].category: " + surrogate}},
		{"rate key", replace(`{"USD": "5.3000"}`, `{"USD": "5.3000", "U\ud800": "1"}`),
			[]string{`exchange_rates: field name: ` + surrogate}},
		{"unknown field name", replace(`"eccn"`, "\"ec\xffcn\""), []string{"items[0]: field name: " + badUTF8}},
		{"U+FFFD written out is a character", replace(`"Acme Inc"`, `"Acme \ufffd Inc"`), nil},
		{"surrogate pair", replace(`"Acme Inc"`, `"Acme \ud83d\ude00 Inc"`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeShipment(bytes.NewReader(tt.in))
			require.Equal(t, tt.want, lines(t, err))
		})
	}
}

// TestValidateInvalidUTF8 checks that Validate, for shipments built in Go,
// reports text that is not UTF-8.
func TestValidateInvalidUTF8(t *testing.T) {
	s, err := DecodeShipment(bytes.NewReader(sample(t)))
	require.NoError(t, err)
	s.Items[0].Description = "rack \xff server"
	s.EndUser.Name = "DC \xed\xa0\x80 Co"
	require.Equal(t, []string{"end_user.name: invalid UTF-8", "items[0].description: invalid UTF-8"}, lines(t, s.Validate()))
}

// TestUnsafeCharactersInNames checks that control characters (ESC among
// them) and bidirectional formatting characters are rejected in ids and
// names (issue 16, B14), which would otherwise print as something else.
func TestUnsafeCharactersInNames(t *testing.T) {
	const (
		rlo = "must not contain the bidirectional formatting character U+202E"
		esc = "must not contain the control character U+001B"
	)
	item := func(field string) string { return "items.0." + field }
	tests := []struct {
		name string
		edit edit
		want []string
	}{
		{"shipment id", set("id", "SHP-\u202e1"), []string{"id: " + rlo}},
		{"shipment id, escape", set("id", "SHP\x1b[2J"), []string{"id: " + esc}},
		{"shipment id, newline", set("id", "SHP\n1"), []string{"id: must not contain the control character U+000A"}},
		{"exporter name", set("exporter.name", "Acme \u202eInc"), []string{"exporter.name: " + rlo}},
		{"importer name, isolate", set("importer_of_record.name", "IOR \u2067Ltda\u2069"),
			[]string{"importer_of_record.name: must not contain the bidirectional formatting character U+2067"}},
		{"end user name, mark", set("end_user.name", "DC\u200f Co"),
			[]string{"end_user.name: must not contain the bidirectional formatting character U+200F"}},
		{"end user name, C1 control", set("end_user.name", "DC\u009b Co"),
			[]string{"end_user.name: must not contain the control character U+009B"}},
		{"registration id", set("importer_of_record.registrations.0.id", "12\u202d3"),
			[]string{"importer_of_record.registrations[0].id: must not contain the bidirectional formatting character U+202D"}},
		{"registration level", set("importer_of_record.registrations.0.level", "unlimited\x00"),
			[]string{"importer_of_record.registrations[0].level: must not contain the control character U+0000"}},
		{"registration scheme", set("importer_of_record.registrations.0.scheme", "br.ra\u202edar"),
			[]string{`importer_of_record.registrations[0].scheme: must be "<market>.<name>" in lower case, such as "br.radar"; not "br.ra\u202edar"`}},
		{"sku", set(item("sku"), "SRV\u202e-1U"), []string{"items[0].sku: " + rlo}},
		{"model", set(item("model"), "R1U\x1b"), []string{"items[0].model: " + esc}},
		{"eccn", set(item("eccn"), "5A992\u200e.c"), []string{"items[0].eccn: must not contain the bidirectional formatting character U+200E"}},
		{"approval id", set(item("approvals_held.0.id"), "br.anatel\u202e"),
			[]string{`items[0].approvals_held[0].id: must be "<market>.<name>" in lower case, such as "br.radar"; not "br.anatel\u202e"`}},
		{"approval reference", set(item("approvals_held.0.reference"), "12345\u202e"), []string{"items[0].approvals_held[0].reference: " + rlo}},
		{"approval model", set(item("approvals_held.0.models"), []any{"R1U", "R2U\u2066"}),
			[]string{"items[0].approvals_held[0].models[1]: must not contain the bidirectional formatting character U+2066"}},
		{"document reference", set("documents", []any{doc("commercial_invoice", "reference", "INV\u202e-1")}),
			[]string{"documents[0].reference: " + rlo}},
		{"document model", set("documents", []any{doc("certificate", "models", []any{"R1U\t"})}),
			[]string{"documents[0].models[0]: must not contain the control character U+0009"}},
		{"description may hold a line break", set(item("description"), "1U rack server\n2 CPUs"), nil},
		{"names in any script", set("exporter.name", "Müller 北京 شركة"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeShipment(bytes.NewReader(edited(t, tt.edit)))
			require.Equal(t, tt.want, lines(t, err))
		})
	}
	// Validate applies the same rule to a shipment built in Go.
	s, err := DecodeShipment(bytes.NewReader(sample(t)))
	require.NoError(t, err)
	s.ID = strings.Repeat("x", 3) + "\u202e"
	require.Equal(t, []string{"id: " + rlo}, lines(t, s.Validate()))
}

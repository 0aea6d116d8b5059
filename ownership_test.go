package iorules

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// owned is a party's ownership as generic JSON, checked on 2026-11-20.
func owned(owners ...any) map[string]any {
	if owners == nil {
		owners = []any{}
	}
	return map[string]any{"owners": owners, "checked_on": "2026-11-20"}
}

// owner is one owner as generic JSON.
func owner(name, country string, share any) map[string]any {
	return map[string]any{"name": name, "country": country, "share": share}
}

// TestDecodeOwnershipRules has a row for every rule of a party's stated
// ownership: the valid sample with one thing changed, and the exact
// problems reported.
func TestDecodeOwnershipRules(t *testing.T) {
	const share = "must be greater than 0 and at most 100"
	tests := []struct {
		name  string
		edits []edit
		want  []string
	}{
		{"not an object", []edit{set("end_user.ownership", "none")},
			[]string{"end_user.ownership: must be a JSON object, not a string"}},
		{"empty object", []edit{set("end_user.ownership", map[string]any{})},
			[]string{"end_user.ownership.owners: required", "end_user.ownership.checked_on: required"}},
		{"owners null", []edit{set("end_user.ownership", map[string]any{"owners": nil, "checked_on": "2026-11-20"})},
			[]string{"end_user.ownership.owners: required"}},
		{"owners not an array", []edit{set("end_user.ownership", map[string]any{"owners": map[string]any{}, "checked_on": "2026-11-20"})},
			[]string{"end_user.ownership.owners: must be a JSON array, not an object"}},
		{"checked_on missing", []edit{set("importer_of_record.ownership", map[string]any{"owners": []any{}})},
			[]string{"importer_of_record.ownership.checked_on: required"}},
		{"checked_on not a real day", []edit{set("end_user.ownership", owned()), set("end_user.ownership.checked_on", "2026-11-31")},
			[]string{`end_user.ownership.checked_on: must be a real date written YYYY-MM-DD, not "2026-11-31"`}},
		{"checked_on out of range", []edit{set("end_user.ownership", owned()), set("end_user.ownership.checked_on", "1999-12-31")},
			[]string{"end_user.ownership.checked_on: must be between 2000-01-01 and 2099-12-31"}},
		{"unknown field", []edit{set("end_user.ownership", owned()), set("end_user.ownership.verified", true)},
			[]string{"end_user.ownership.verified: unknown field"}},
		{"owner unknown field", []edit{set("end_user.ownership", owned(map[string]any{"name": "A", "country": "CN", "share": "60", "listed": false}))},
			[]string{"end_user.ownership.owners[0].listed: unknown field"}},
		{"owner not an object", []edit{set("end_user.ownership", owned("A"))},
			[]string{"end_user.ownership.owners[0]: must be a JSON object, not a string"}},
		{"owner empty", []edit{set("end_user.ownership", owned(map[string]any{}))},
			[]string{"end_user.ownership.owners[0].name: required", "end_user.ownership.owners[0].country: required",
				"end_user.ownership.owners[0].share: required"}},
		{"owner name blank", []edit{set("end_user.ownership", owned(owner(" ", "CN", "60")))},
			[]string{"end_user.ownership.owners[0].name: required"}},
		{"owner country unknown", []edit{set("end_user.ownership", owned(owner("A", "XX", "60")))},
			[]string{`end_user.ownership.owners[0].country: unknown country code "XX" (want ISO 3166-1 alpha-2 in upper case, such as "BR")`}},
		{"share a JSON number", []edit{set("end_user.ownership", owned(owner("A", "CN", json.Number("60"))))},
			[]string{`end_user.ownership.owners[0].share: must be a decimal string such as "50.5", not a JSON number`}},
		{"share null", []edit{set("end_user.ownership", owned(owner("A", "CN", nil)))},
			[]string{"end_user.ownership.owners[0].share: required"}},
		{"share zero", []edit{set("end_user.ownership", owned(owner("A", "CN", "0")))},
			[]string{"end_user.ownership.owners[0].share: " + share}},
		{"share negative", []edit{set("end_user.ownership", owned(owner("A", "CN", "-10")))},
			[]string{"end_user.ownership.owners[0].share: " + share}},
		{"share over 100", []edit{set("end_user.ownership", owned(owner("A", "CN", "100.01")))},
			[]string{"end_user.ownership.owners[0].share: " + share}},
		{"share far over 100", []edit{set("end_user.ownership", owned(owner("A", "CN", "1000")))},
			[]string{"end_user.ownership.owners[0].share: too large: at most 3 digits before the decimal point"}},
		{"share too precise", []edit{set("end_user.ownership", owned(owner("A", "CN", "33.3333333")))},
			[]string{"end_user.ownership.owners[0].share: too precise: at most 6 digits after the decimal point"}},
		{"share a percentage sign", []edit{set("end_user.ownership", owned(owner("A", "CN", "60%")))},
			[]string{`end_user.ownership.owners[0].share: must be a plain decimal such as "50.5", not "60%"`}},
		{"shares over 100 together", []edit{set("end_user.ownership", owned(owner("A", "CN", "60"), owner("B", "RU", "40.5")))},
			[]string{"end_user.ownership.owners: the shares must add up to at most 100, not 100.5"}},
		{"a bad share is not summed", []edit{set("end_user.ownership", owned(owner("A", "CN", "60"), owner("B", "RU", "101")))},
			[]string{"end_user.ownership.owners[1].share: " + share}},
		{"owners too many", []edit{func(t testing.TB, doc map[string]any) {
			var owners []any
			for range maxOwners + 1 {
				owners = append(owners, owner("A", "CN", "0.5"))
			}
			doc["exporter"].(map[string]any)["ownership"] = owned(owners...)
		}}, []string{"exporter.ownership.owners: must list at most 100 owners"}},
		{"problems in document order", []edit{
			set("end_user.ownership", owned(owner("", "CN", "10"), owner("B", "cn", "0"))),
			set("importer_of_record.ownership", map[string]any{"owners": []any{}}),
			set("exporter.name", ""),
		}, []string{
			"exporter.name: required",
			"importer_of_record.ownership.checked_on: required",
			"end_user.ownership.owners[0].name: required",
			`end_user.ownership.owners[1].country: unknown country code "cn" (want ISO 3166-1 alpha-2 in upper case, such as "BR")`,
			"end_user.ownership.owners[1].share: " + share,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := DecodeShipment(bytes.NewReader(edited(t, tt.edits...)))
			require.Error(t, err)
			require.Equal(t, tt.want, lines(t, err))
			require.Empty(t, cmp.Diff(Shipment{}, s, shipmentCmp...), "a failed decode returns the zero Shipment")
		})
	}
}

// TestDecodeOwnership checks what a valid stated ownership decodes to, and
// that it survives json.Marshal and a second decode.
func TestDecodeOwnership(t *testing.T) {
	checked := MustParseDate("2026-11-20")
	tests := []struct {
		name  string
		edits []edit
		want  *Ownership // the end user's
	}{
		{"not stated", nil, nil},
		{"null", []edit{set("end_user.ownership", nil)}, nil},
		{"no owner of 25 % or more", []edit{set("end_user.ownership", owned())},
			&Ownership{Owners: []Owner{}, CheckedOn: checked}},
		{"owners", []edit{set("end_user.ownership", owned(owner("Holding A", "CN", "50.5"), owner("B", "SG", "49.5")))},
			&Ownership{CheckedOn: checked, Owners: []Owner{
				{Name: "Holding A", Country: "CN", Share: decimal.RequireFromString("50.5")},
				{Name: "B", Country: "SG", Share: decimal.RequireFromString("49.5")},
			}}},
		{"one owner of all", []edit{set("end_user.ownership", owned(owner("Parent", "BR", "100.000000")))},
			&Ownership{CheckedOn: checked, Owners: []Owner{{Name: "Parent", Country: "BR", Share: decimal.NewFromInt(100)}}}},
		{"smallest share", []edit{set("end_user.ownership", owned(owner("Parent", "BR", "0.000001")))},
			&Ownership{CheckedOn: checked, Owners: []Owner{{Name: "Parent", Country: "BR", Share: decimal.New(1, -6)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := DecodeShipment(bytes.NewReader(edited(t, tt.edits...)))
			require.NoError(t, err)
			require.Empty(t, cmp.Diff(tt.want, s.EndUser.Ownership, shipmentCmp...))
			require.NoError(t, s.Validate())

			b, err := json.Marshal(s)
			require.NoError(t, err)
			again, err := DecodeShipment(bytes.NewReader(b))
			require.NoError(t, err, "%s", b)
			require.Empty(t, cmp.Diff(s, again, shipmentCmp...))
		})
	}
}

// TestValidateOwnership checks the rules for a shipment built in Go, where
// nil owners and decimals the decoder cannot produce are possible.
func TestValidateOwnership(t *testing.T) {
	checked := MustParseDate("2026-11-20")
	tests := []struct {
		name string
		own  *Ownership
		want []string
	}{
		{"nil owners", &Ownership{CheckedOn: checked},
			[]string{"end_user.ownership.owners: required (an empty list states that no owner holds 25 % or more)"}},
		{"zero date", &Ownership{Owners: []Owner{}}, []string{"end_user.ownership.checked_on: required"}},
		{"share with a far exponent", &Ownership{CheckedOn: checked, Owners: []Owner{{Name: "A", Country: "CN", Share: decimal.New(1, 1_000_000)}}},
			[]string{"end_user.ownership.owners[0].share: must be greater than 0 and at most 100"}},
		{"share with a far negative exponent", &Ownership{CheckedOn: checked, Owners: []Owner{{Name: "A", Country: "CN", Share: decimal.New(1, -1_000_000)}}},
			[]string{"end_user.ownership.owners[0].share: too precise: at most 6 digits after the decimal point"}},
		{"share of 19 digits over 100", &Ownership{CheckedOn: checked, Owners: []Owner{{Name: "A", Country: "CN", Share: decimal.RequireFromString("100.0000000000000001")}}},
			[]string{"end_user.ownership.owners[0].share: must be greater than 0 and at most 100"}},
		{"share of 19 digits equal to 100", &Ownership{CheckedOn: checked, Owners: []Owner{{Name: "A", Country: "CN", Share: decimal.RequireFromString("100.0000000000000000")}}},
			[]string{"end_user.ownership.owners[0].share: too precise: at most 6 digits after the decimal point"}},
		{"valid", &Ownership{CheckedOn: checked, Owners: []Owner{{Name: "A", Country: "CN", Share: decimal.NewFromInt(25)}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := goShipment()
			s.EndUser.Ownership = tt.own
			require.Equal(t, tt.want, lines(t, s.Validate()))
		})
	}
}

func TestShareInRange(t *testing.T) {
	for _, tc := range []struct {
		d    decimal.Decimal
		want bool
	}{
		{decimal.Zero, false}, {decimal.New(-1, 0), false}, {decimal.New(1, -6), true}, {decimal.New(100, 0), true},
		{decimal.New(1, 2), true}, {decimal.New(10001, -2), false}, {decimal.New(1, 3), false},
		{decimal.New(1, 1_000_000), false}, {decimal.New(1, -1_000_000), true},
		{decimal.RequireFromString("99.99999999999999999999"), true},
		{decimal.RequireFromString("100.00000000000000000000"), true},
		{decimal.RequireFromString("100.00000000000000000001"), false},
		{decimal.RequireFromString("999.99999999999999999999"), false},
		{decimal.RequireFromString("9.99999999999999999999"), true},
	} {
		require.Equal(t, tc.want, shareInRange(tc.d), "%s", tc.d)
	}
}

package iorules

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDateGivenOrNot checks that a date that was given is a date: year 1,
// Go's zero time, is not the zero Date (issue 16, B2/B16).
func TestDateGivenOrNot(t *testing.T) {
	year1 := MustParseDate("0001-01-01")
	require.False(t, year1.IsZero(), "0001-01-01 was given")
	require.Equal(t, "0001-01-01", year1.String())
	require.True(t, Date{}.IsZero())
	require.Equal(t, "", Date{}.String())
	require.False(t, year1.Equal(Date{}), "a given date is not the absent one")
	require.True(t, year1.Equal(NewDate(1, 1, 1)))
	require.True(t, year1.Before(MustParseDate("2026-11-25")))
	require.True(t, Date{}.AddDays(3).IsZero(), "an absent date stays absent")
	require.Equal(t, "0001-01-04", year1.AddDays(3).String())

	b, err := json.Marshal(struct {
		D Date `json:"d,omitzero"`
		E Date `json:"e,omitzero"`
	}{D: year1})
	require.NoError(t, err)
	require.JSONEq(t, `{"d": "0001-01-01"}`, string(b), "omitzero leaves out only the absent date")
}

// TestDecodeYearOneDates checks that dates of year 1 survive decoding: a
// valid_until of 0001-01-01 is a date long past, and a document dated
// 0001-01-01 keeps that date, which validation then reports.
func TestDecodeYearOneDates(t *testing.T) {
	s, err := DecodeShipment(bytes.NewReader(edited(t,
		set("items.0.approvals_held.0.valid_until", "0001-01-01"),
		set("importer_of_record.registrations.0.valid_until", "0001-01-01"))))
	require.NoError(t, err)
	for _, d := range []Date{s.Items[0].ApprovalsHeld[0].ValidUntil, s.ImporterOfRecord.Registrations[0].ValidUntil} {
		require.False(t, d.IsZero())
		require.Equal(t, "0001-01-01", d.String())
		require.True(t, d.Before(s.Date))
	}
	out, err := json.Marshal(s)
	require.NoError(t, err)
	require.Equal(t, 2, bytes.Count(out, []byte(`"valid_until":"0001-01-01"`)), "%s", out)

	_, err = DecodeShipment(bytes.NewReader(edited(t,
		set("documents", []any{doc("declaration_of_conformity", "date", "0001-01-01")}))))
	require.Equal(t, []string{"documents[0].date: must be between 2000-01-01 and 2099-12-31, not 0001-01-01"}, lines(t, err))

	_, err = DecodeShipment(bytes.NewReader(edited(t, set("date", "0001-01-01"))))
	require.Equal(t, []string{"date: must be between 2000-01-01 and 2099-12-31, not 0001-01-01"}, lines(t, err),
		"a shipment dated year 1 is dated, not undated")
}

package iorules_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

func win(from, to string) iorules.Window {
	var w iorules.Window
	if from != "" {
		w.From = iorules.MustParseDate(from)
	}
	if to != "" {
		w.To = iorules.MustParseDate(to)
	}
	return w
}

func TestWindowCovers(t *testing.T) {
	cases := []struct {
		name string
		w    iorules.Window
		day  string
		want bool
	}{
		{"first day", win("2025-01-01", "2025-12-31"), "2025-01-01", true},
		{"last day", win("2025-01-01", "2025-12-31"), "2025-12-31", true},
		{"day before", win("2025-01-01", "2025-12-31"), "2024-12-31", false},
		{"day after", win("2025-01-01", "2025-12-31"), "2026-01-01", false},
		{"open end", win("2025-01-01", ""), "2099-01-01", true},
		{"open end, before", win("2025-01-01", ""), "2024-12-31", false},
		{"open start", win("", "2025-12-31"), "1990-01-01", true},
		{"open start, after", win("", "2025-12-31"), "2026-01-01", false},
		{"zero window", iorules.Window{}, "2025-06-01", true},
		{"one day", win("2025-06-01", "2025-06-01"), "2025-06-01", true},
		{"inverted", win("2025-06-02", "2025-06-01"), "2025-06-01", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.w.Covers(iorules.MustParseDate(tc.day)))
		})
	}
}

func TestWindowOverlaps(t *testing.T) {
	cases := []struct {
		name string
		a, b iorules.Window
		want bool
	}{
		{"disjoint", win("2025-01-01", "2025-06-30"), win("2025-07-01", ""), false},
		{"shared last day", win("2025-01-01", "2025-07-01"), win("2025-07-01", ""), true},
		{"nested", win("2025-01-01", "2025-12-31"), win("2025-03-01", "2025-03-31"), true},
		{"both open-ended", win("2025-01-01", ""), win("2030-01-01", ""), true},
		{"open start before", win("", "2024-12-31"), win("2025-01-01", ""), false},
		{"open start overlapping", win("", "2025-01-01"), win("2025-01-01", ""), true},
		{"zero window", iorules.Window{}, win("2025-01-01", "2025-01-02"), true},
		{"inverted", win("2025-06-02", "2025-06-01"), iorules.Window{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.a.Overlaps(tc.b))
			require.Equal(t, tc.want, tc.b.Overlaps(tc.a), "symmetric")
		})
	}
}

func TestParseWindow(t *testing.T) {
	cases := []struct {
		name, from, to string
		want           iorules.Window
		wantErr        string
		paths          []string
	}{
		{name: "both", from: "2025-01-01", to: "2025-12-31", want: win("2025-01-01", "2025-12-31")},
		{name: "open", from: "2025-01-01", want: win("2025-01-01", "")},
		{name: "none", want: iorules.Window{}},
		{name: "one day", from: "2025-01-01", to: "2025-01-01", want: win("2025-01-01", "2025-01-01")},
		{name: "inverted", from: "2026-02-02", to: "2020-02-02",
			wantErr: "effective_to: 2020-02-02 is before effective_from 2026-02-02", paths: []string{"effective_to"}},
		{name: "bad dates", from: "2022-13-01", to: "soon",
			wantErr: "effective_from: invalid date \"2022-13-01\": want YYYY-MM-DD\neffective_to: invalid date \"soon\": want YYYY-MM-DD",
			paths:   []string{"effective_from", "effective_to"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := iorules.ParseWindow(tc.from, tc.to)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				var paths []string
				for _, fe := range iorules.FieldErrors(err) {
					paths = append(paths, fe.Path)
				}
				require.Equal(t, tc.paths, paths)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.NoError(t, got.Validate())
		})
	}
	t.Run("Validate", func(t *testing.T) {
		err := win("2025-06-02", "2025-06-01").Validate()
		var fe *iorules.FieldError
		require.True(t, errors.As(err, &fe))
		require.Equal(t, "effective_to", fe.Path)
		require.NoError(t, iorules.Window{}.Validate())
		require.NoError(t, win("", "2025-06-01").Validate())
	})
}

// A rule in force from 2025-01-01 with no end, and a rate that held for
// 2025 only: they share that year, and a window that ends before it starts
// is refused.
func ExampleWindow() {
	rule, _ := iorules.ParseWindow("2025-01-01", "")
	rate, _ := iorules.ParseWindow("2025-01-01", "2025-12-31")
	fmt.Println(rule.Covers(iorules.MustParseDate("2030-06-01")), rate.Covers(iorules.MustParseDate("2026-01-01")))
	fmt.Println(rule.Overlaps(rate))
	_, err := iorules.ParseWindow("2026-02-02", "2020-02-02")
	fmt.Println(err)
	// Output:
	// true false
	// true
	// effective_to: 2020-02-02 is before effective_from 2026-02-02
}

package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/iorules/iorules"
	"github.com/iorules/iorules/internal/strictjson"
	"github.com/shopspring/decimal"
)

// checkFailure checks that a decoder's error is field errors of one line
// each.
func checkFailure(t *testing.T, err error) {
	t.Helper()
	fes := iorules.FieldErrors(err)
	if len(fes) == 0 {
		t.Fatalf("error without FieldErrors: %v", err)
	}
	for _, fe := range fes {
		if strings.ContainsAny(fe.Error(), "\r\n") {
			t.Fatalf("a problem spans lines: %q", fe.Error())
		}
	}
}

// checkName fails on a name the decoders must have refused.
func checkName(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s %q is not UTF-8", what, s)
	}
	if _, _, bad := strictjson.UnsafeRune(s); bad {
		t.Fatalf("%s %q holds a control or bidi character", what, s)
	}
}

// FuzzDecodeScreening checks that decodeScreening never panics, reports
// every failure as one-line field errors, and that a list it accepts holds
// only valid, printable names and survives json.Marshal and a second
// decode unchanged.
func FuzzDecodeScreening(f *testing.F) {
	for _, s := range []string{
		`{"parties": [{"name": "Sugon", "aliases": ["Dawning"], "country": "CN", "list": "EL", "source": "85 FR 44159"}], "threshold": 90,
		  "dispositions": [{"party_name": "Sugonn", "listed_name": "Sugon", "decision": "cleared", "reference": "R-1"}]}`,
		`{"parties": [{"name": "A"}], "parties": []}`, `{"parties": [{"name": "A\ud800"}]}`, "{\"parties\": [{\"name\": \"A\xff\"}]}",
		`{"parties": [{"name": "A\u202e"}], "threshold": 1e2}`, `{"parties": [{"name": "A"}]} x`, "", "null", "[]", `{"p\udc00": 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts, err := decodeScreening(data)
		if err != nil {
			checkFailure(t, err)
			return
		}
		if len(opts.Parties) == 0 || opts.Threshold < 0 || opts.Threshold > 100 {
			t.Fatalf("accepted %d parties, threshold %d", len(opts.Parties), opts.Threshold)
		}
		for _, p := range opts.Parties {
			checkName(t, "name", p.Name)
			checkName(t, "list", p.List)
			for _, a := range p.Aliases {
				checkName(t, "alias", a)
			}
			if !utf8.ValidString(p.Source) {
				t.Fatalf("source %q is not UTF-8", p.Source)
			}
		}
		for _, x := range opts.Dispositions {
			checkName(t, "party_name", x.PartyName)
			checkName(t, "listed_name", x.ListedName)
		}
		b, err := json.Marshal(map[string]any{"parties": opts.Parties, "threshold": opts.Threshold, "dispositions": opts.Dispositions})
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeScreening(b)
		if err != nil {
			t.Fatalf("re-encoded list does not decode: %v\n%s", err, b)
		}
		if d := cmp.Diff(opts, again); d != "" {
			t.Fatalf("round trip changed the list (-first +second):\n%s", d)
		}
	})
}

// FuzzDecodeBenchmarks checks that decodeBenchmarks never panics, reports
// every failure as one-line field errors, and that the prices it accepts
// pass Validate and survive json.Marshal and a second decode unchanged.
func FuzzDecodeBenchmarks(f *testing.F) {
	for _, s := range []string{
		`[{"hs6": "8471.50", "category": "server", "currency": "USD", "low": "6000.00", "high": "14000.00", "source": "s", "date": "2026-10-01"}]`,
		`[{"category": "storage", "currency": "BRL", "low": "1", "high": "2", "low": "3", "source": "s", "date": "2026-09-15"}]`,
		`[{"hs6": "847150", "currency": "USD", "low": 1, "high": "2", "source": "s\ud800", "date": "0001-01-01"}]`,
		"[{\"hs6\": \"847150\xff\"}]", `[] []`, `[]`, `{}`, "", `[null]`, `[{"\udc00": 1}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := decodeBenchmarks(data)
		if err != nil {
			checkFailure(t, err)
			return
		}
		if len(refs) == 0 {
			t.Fatal("accepted an empty list")
		}
		rows := make([]map[string]string, len(refs))
		for i, r := range refs {
			if err := r.Validate(); err != nil {
				t.Fatalf("accepted [%d] fails Validate: %v", i, err)
			}
			if !utf8.ValidString(r.Source) || !utf8.ValidString(string(r.Category)) {
				t.Fatalf("accepted [%d] holds text that is not UTF-8", i)
			}
			rows[i] = map[string]string{"currency": string(r.Currency), "low": r.Low.String(), "high": r.High.String(),
				"source": r.Source, "date": r.Date.String()}
			if r.HS6 != "" {
				rows[i]["hs6"] = r.HS6
			}
			if r.Category != "" {
				rows[i]["category"] = string(r.Category)
			}
		}
		b, err := json.Marshal(rows)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeBenchmarks(b)
		if err != nil {
			t.Fatalf("re-encoded list does not decode: %v\n%s", err, b)
		}
		same := cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
		sameDate := cmp.Comparer(func(a, b iorules.Date) bool { return a.Equal(b) })
		if d := cmp.Diff(refs, again, same, sameDate); d != "" {
			t.Fatalf("round trip changed the list (-first +second):\n%s", d)
		}
	})
}

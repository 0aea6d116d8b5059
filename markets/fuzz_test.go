package markets_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
)

var (
	fuzzEngineOnce sync.Once
	fuzzEngine     *markets.Engine
	fuzzPlain      *markets.Engine // without reuse of answers per class of lines
	fuzzEngineErr  error
)

// FuzzPrequalify evaluates every decodable shipment against every embedded
// market: evaluation must never panic and never fail on a valid shipment,
// and reusing condition answers per class of lines must change no byte of
// any decision.
func FuzzPrequalify(f *testing.F) {
	fuzzEngineOnce.Do(func() {
		if fuzzEngine, fuzzEngineErr = markets.New(); fuzzEngineErr == nil {
			fuzzPlain, fuzzEngineErr = markets.New(markets.WithoutRuleMemo())
		}
	})
	if fuzzEngineErr != nil {
		f.Fatal(fuzzEngineErr)
	}
	seeds, _ := fs.Glob(os.DirFS("../examples/shipments"), "*.json")
	for _, name := range seeds {
		if src, err := os.ReadFile("../examples/shipments/" + name); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte(`{"id":"T-1","date":"2026-11-25","origin":"US","destination":"TR","incoterm":"EXW","transport_mode":"sea",
	"currency":"USD","exchange_rates":{"USD":"40.0000"},
	"charges":{"origin_inland":"5","freight":"100.00","insurance":"10.00","destination_handling":"7","destination_inland":"0"},
	"exporter":{"name":"Acme Inc","country":"US"},
	"importer_of_record":{"name":"IOR AS","country":"TR","registrations":[{"scheme":"tr.vkn","id":"1"}]},
	"end_user":{"name":"DC AS","country":"TR","headquarters_country":"CN"},
	"items":[{"line":1,"description":"GPU server","category":"gpu_server","hs_code":"8471.50","quantity":1,"unit_value":"300000.00",
	  "net_weight_kg":"40","condition":"refurbished","country_of_origin":"TW","radio":["wifi"],"encryption":{"present":true,"mass_market":false},"eccn":"4A090.a"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := iorules.DecodeShipment(bytes.NewReader(data), fuzzEngine.ShipmentChecks()...)
		if err != nil {
			var fe *iorules.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("decode error is not a FieldError: %v", err)
			}
			return
		}
		ds, err := fuzzEngine.PrequalifyAll(s)
		if err != nil {
			t.Fatalf("valid shipment failed to evaluate: %v", err)
		}
		for _, d := range ds {
			if d.Verdict != markets.Clear && d.Verdict != markets.Conditional && d.Verdict != markets.Decline {
				t.Fatalf("bad verdict %q", d.Verdict)
			}
		}
		plain, err := fuzzPlain.PrequalifyAll(s)
		if err != nil {
			t.Fatalf("valid shipment failed to evaluate without reuse: %v", err)
		}
		got, err := json.Marshal(ds)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("reusing answers per class of lines changed a decision:\n%s\nwant\n%s", got, want)
		}
		checkOrderScreeningAndAliasing(t, s, ds)
	})
}

// checkOrderScreeningAndAliasing checks three invariants of the decisions
// ds of every market for s: reversing the items changes no tax, each
// market's export controls are those of the shipment addressed to it, and
// writing over every part of the decisions changes no later decision.
func checkOrderScreeningAndAliasing(t *testing.T, s iorules.Shipment, ds []markets.Decision) {
	reversed := s
	reversed.Items = slices.Clone(s.Items)
	slices.Reverse(reversed.Items)
	rs, err := fuzzEngine.PrequalifyAll(reversed)
	if err != nil {
		t.Fatalf("reversed shipment failed to evaluate: %v", err)
	}
	for i := range ds {
		if a, b := taxAmounts(ds[i]), taxAmounts(rs[i]); !maps.Equal(a, b) {
			t.Fatalf("%s: reversing the items changed the taxes:\n%v\nwant\n%v", ds[i].Market, b, a)
		}
	}
	for _, d := range ds {
		addressed := s
		addressed.Destination = d.Market
		if d.Market != s.Destination {
			addressed.DestinationSubdivision = ""
		}
		if addressed.Validate(fuzzEngine.ShipmentChecks()...) != nil {
			continue // e.g. a subdivision the market requires
		}
		want, err := fuzzEngine.Prequalify(addressed)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(want.ExportControl, d.ExportControl) {
			t.Fatalf("%s: export controls differ from the shipment addressed there:\n%+v\nwant\n%+v", d.Market, d.ExportControl, want.ExportControl)
		}
	}
	before, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ds {
		scribble(reflect.ValueOf(&ds[i]).Elem())
	}
	again, err := fuzzEngine.PrequalifyAll(s)
	if err != nil {
		t.Fatal(err)
	}
	after, err := json.Marshal(again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatalf("writing over a decision changed a later one:\n%s\nwant\n%s", after, before)
	}
}

// FuzzLoadPolicy loads mutated policy files: loading must never panic and
// must fail only with a *LoadError.
func FuzzLoadPolicy(f *testing.F) {
	if src, err := os.ReadFile("testdata/mini/zz.yaml"); err == nil {
		f.Add(src)
	}
	for _, name := range []string{"br.yaml", "tr.yaml"} {
		if src, err := fs.ReadFile(markets.Embedded(), name); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := markets.New(markets.WithPolicies(fstest.MapFS{"p.yaml": {Data: data}}))
		var le *markets.LoadError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("load failed without a LoadError: %v", err)
		}
	})
}

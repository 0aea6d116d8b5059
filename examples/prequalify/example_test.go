package main

import (
	"fmt"
	"log"
	"os"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/markets"
)

// Example is the quick start of the README: decode a shipment, compile the
// embedded market policies once, and pre-qualify the shipment for its
// destination. The library does no I/O; the caller opens the file.
func Example() {
	f, err := os.Open("../shipments/br-servers-sp.json")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	s, err := iorules.DecodeShipment(f) // strict: unknown fields, JSON numbers for money are errors
	if err != nil {
		for _, fe := range iorules.FieldErrors(err) {
			fmt.Println(fe) // items[0].unit_value: must be greater than 0
		}
		return
	}

	engine, err := markets.New() // compiles the embedded policies once; safe for concurrent use
	if err != nil {
		log.Fatal(err) // a *markets.LoadError lists FILE:LINE:COL: rule ID: message
	}
	d, err := engine.Prequalify(s) // the destination's policy; PrequalifyMarket / PrequalifyAll for others
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("verdict:", d.Verdict)
	fmt.Println("customs value:", d.Valuation.Currency, d.Valuation.CustomsValue.StringFixed(2))
	for _, t := range d.Taxes {
		if !t.Informational {
			fmt.Printf("  %-12s %12s\n", t.ID, t.Amount.StringFixed(2))
		}
	}
	if d.TotalTaxes != nil { // nil when a tax could not be computed for some line
		fmt.Println("total taxes:", d.TotalTaxes.StringFixed(2))
	}
	for _, nc := range d.NotComputed { // then d.PartialTotalTaxes sums what was computed
		fmt.Println("not computed:", nc.Tax, nc.Lines, nc.Message)
	}
	for _, a := range d.Approvals {
		fmt.Println("approval:", a.ID, a.Status, a.Authority)
	}
	for _, r := range d.Reasons {
		if r.Severity != iorules.SeverityInfo {
			fmt.Println(r.Severity, r.Code, "->", r.Unblock)
		}
	}
	// Output:
	// verdict: clear
	// customs value: BRL 2415584.67
	//   br.ii           386493.55
	//   br.ipi          273202.63
	//   br.pis           50727.28
	//   br.cofins       247597.43
	//   br.siscomex        154.23
	//   br.afrmm             0.00
	//   br.icms         740581.42
	// total taxes: 1698756.54
}

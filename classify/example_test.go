package classify_test

import (
	"fmt"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/classify"
)

func ExampleSuggest() {
	for _, c := range classify.Suggest(iorules.CategoryGPUServer) {
		fmt.Println(c.HSCode, c.Confidence)
	}
	// Output:
	// 8471.50 confirmed
	// 8471.49 confirmed
	// 8471.80 unconfirmed
}

func ExampleCheck() {
	server := iorules.Item{
		Line:        1,
		Description: "1U rack server, 2 CPUs, 512 GB RAM",
		Category:    iorules.CategoryServer,
		HSCode:      iorules.MustParseHSCode("8517.62.59"),
	}
	r := classify.Check("BR", server)
	fmt.Println(r.Declared, r.Status, r.Expected)

	server.HSCode = iorules.MustParseHSCode("8471.50.10")
	r = classify.Check("BR", server)
	fmt.Println(r.Declared, r.Status, r.Expected)

	r = classify.Check("TR", server) // a GTİP code has 12 digits
	fmt.Println(r.Declared, r.Status)
	// Output:
	// 8517.62.59 mismatch [8471.50 8471.41 8471.49]
	// 8471.50.10 ok [8471.50]
	// 8471.50.10 invalid
}

func ExampleFormat() {
	f, ok := classify.Format("BR")
	fmt.Println(f.Name, f.Digits, f.Edition, f.Confidence, ok)
	// Output:
	// NCM code [8] HS 2022 confirmed true
}

func ExampleCheckShipment() {
	s := iorules.Shipment{
		Date:        iorules.MustParseDate("2026-11-25"),
		Destination: "BR",
		Items: []iorules.Item{
			{Line: 1, Category: iorules.CategorySwitch, HSCode: iorules.MustParseHSCode("8517.62")},
			{Line: 2, Category: iorules.CategoryUPS, HSCode: iorules.MustParseHSCode("8471.99")},
			// Category other gives no basis to check the code.
			{Line: 3, Category: iorules.CategoryOther, HSCode: iorules.MustParseHSCode("8517.62")},
			// An access point with no radio listed contradicts its category.
			{Line: 4, Category: iorules.CategoryWirelessAccessPoint, HSCode: iorules.MustParseHSCode("8517.62")},
		},
	}
	results, reasons := classify.CheckShipment(s.Destination, s)
	for _, r := range results {
		fmt.Println(r.Line, r.Status)
	}
	for _, r := range reasons {
		fmt.Println(r.Severity, r.Code, r.Lines)
	}
	// Output:
	// 1 ok
	// 2 invalid
	// 3 unknown
	// 4 ok
	// condition hs_invalid [2]
	// condition hs_fit_not_judged [3]
	// condition radio_contradiction [4]
	// info hs_national_line_unconfirmed [1 3 4]
}

package exportctl_test

import (
	"fmt"
	"testing"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets/policytest"
)

func benchList(n int) []exportctl.ListedParty {
	words := []string{"Northern", "Électronique", "Trading", "Holdings", "Shenzhen", "Avia", "Dalnyaya", "Technologies", "Systems", "Group", "Star", "Marine"}
	forms := []string{"LLC", "Co., Ltd.", "JSC", "GmbH", "Limited Liability Company", "FZE"}
	lists := []string{"EL", "SDN", "DPL", "MEU", "UVL"}
	countries := []iorules.Country{"RU", "CN", "IR", "AE", "HK", "BY"}
	out := make([]exportctl.ListedParty, n)
	for i := range out {
		lp := exportctl.ListedParty{
			Name:    fmt.Sprintf("%s %s %d %s", words[i%len(words)], words[(i/len(words))%len(words)], i, forms[i%len(forms)]),
			Country: countries[i%len(countries)], List: lists[i%len(lists)],
			Source: fmt.Sprintf("85 FR %d", 10000+i),
		}
		if i%3 == 0 {
			lp.Aliases = []string{fmt.Sprintf("%s-%d", words[(i+5)%len(words)], i), fmt.Sprintf("OOO %s %s", words[(i+7)%len(words)], words[(i+2)%len(words)])}
		}
		out[i] = lp
	}
	return out
}

func BenchmarkScreen(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		s := policytest.SampleShipment("BR", n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = exportctl.Screen(s, exportctl.Options{})
			}
		})
	}
	s := policytest.SampleShipment("BR", 10)
	opts := exportctl.Options{Parties: benchList(1000)}
	b.Run("lines=10/parties=1000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = exportctl.Screen(s, opts)
		}
	})
}

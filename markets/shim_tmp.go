package markets

import "github.com/iorules/iorules"

type exportResult struct {
	Reasons []iorules.Reason `json:"-"`
}
type screenOptions struct{}

func screenTmp(iorules.Shipment, screenOptions) exportResult { return exportResult{} }

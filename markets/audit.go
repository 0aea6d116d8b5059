package markets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets/internal/policy"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

// inputDigests are the audit hashes of one call's inputs.
type inputDigests struct {
	shipment string
	options  string
}

// audit builds the audit record of a decision on s under pol.
func (e *Engine) audit(pol *policy.Policy, s *iorules.Shipment, cfg *evalConfig) (Audit, error) {
	if cfg.digests == nil {
		dg, err := digestInputs(s, cfg)
		if err != nil {
			return Audit{}, err
		}
		cfg.digests = dg
	}
	return Audit{
		ShipmentSHA256:  cfg.digests.shipment,
		PolicySHA256:    pol.Digest,
		PolicySetSHA256: e.digest,
		OptionsSHA256:   cfg.digests.options,
		Library:         modulePath + "@v" + Version,
	}, nil
}

// digestInputs hashes the canonical JSON of the shipment and, when the
// caller supplied any, of the evaluation's data options.
func digestInputs(s *iorules.Shipment, cfg *evalConfig) (*inputDigests, error) {
	buf := jsonBuffers.Get().(*[]byte)
	b := appendShipmentJSON((*buf)[:0], s)
	dg := &inputDigests{shipment: sha256Hex(b)}
	if cap(b) <= maxPooledBuffer {
		*buf = b
		jsonBuffers.Put(buf)
	}
	sc := cfg.screening
	if len(sc.Parties) == 0 && len(sc.Dispositions) == 0 && sc.Threshold == 0 && len(cfg.refs) == 0 {
		return dg, nil
	}
	b, err := json.Marshal(struct {
		Parties         []exportctl.ListedParty    `json:"parties"`
		Threshold       int                        `json:"threshold"`
		Dispositions    []exportctl.Disposition    `json:"dispositions"`
		ReferencePrices []valuation.ReferencePrice `json:"reference_prices"`
		Tolerance       decimal.Decimal            `json:"tolerance"`
	}{sc.Parties, sc.Threshold, sc.Dispositions, cfg.refs, cfg.tolerance})
	if err != nil {
		return nil, fmt.Errorf("markets: audit: encoding the evaluation options: %w", err)
	}
	dg.options = sha256Hex(b)
	return dg, nil
}

// jsonBuffers recycles the buffers the shipment JSON is written into for
// hashing; buffers above maxPooledBuffer (shipments of thousands of lines)
// are left to the collector.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const maxPooledBuffer = 1 << 20

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

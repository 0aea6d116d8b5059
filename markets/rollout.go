package markets

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/iorules/iorules/internal/strictjson"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/approvals"
	"github.com/iorules/iorules/exportctl"
	"github.com/shopspring/decimal"
)

// Rollout is one shipment offered to several markets at once: the same
// goods, origin, exporter, incoterm and charges everywhere, and per market
// what differs from one market to the next (the local importer of record,
// the exchange rates into the market's currency, the destination
// subdivision, when it differs the end user, and where the market's tariff
// splits below HS-6 the national tariff lines of the items). Engine.Rollout evaluates
// it; DecodeRollout reads its JSON form.
type Rollout struct {
	// Shipment is the base shipment: id, date, origin, incoterm, transport
	// mode, currency, charges (in that currency), exporter, end user and
	// items. Its Destination, DestinationSubdivision, ImporterOfRecord and
	// ExchangeRates are replaced market by market and may be left empty.
	Shipment iorules.Shipment `json:"shipment"`
	// Markets gives what each market needs, keyed by market; at least one,
	// each with a loaded policy.
	Markets map[iorules.Country]MarketSetup `json:"markets"`
}

// MarketSetup is what one market of a Rollout needs besides the base
// shipment.
type MarketSetup struct {
	// ImporterOfRecord is the market's local importer of record, with the
	// registrations the market requires.
	ImporterOfRecord iorules.Party `json:"importer_of_record"`
	// ExchangeRates gives units of the market's currency per one unit of
	// each other currency used (at least the shipment currency), the
	// customs rates in force on the shipment date.
	ExchangeRates map[iorules.Currency]decimal.Decimal `json:"exchange_rates"`
	// DestinationSubdivision is required where the market's taxes depend on
	// it (Brazil's state, "BR-SP"); it may be left empty elsewhere.
	DestinationSubdivision iorules.Subdivision `json:"destination_subdivision,omitempty"`
	// EndUser replaces the base shipment's end user in this market; nil
	// keeps the base's.
	EndUser *iorules.Party `json:"end_user,omitempty"`
	// HSCodes gives, by item line number, the market's national tariff
	// line for an item ("8504.40.11" where the base declares the HS-6
	// "8504.40"), for the markets whose tables split below HS-6. It
	// replaces the item's HSCode in this market only, and must extend the
	// item's HS-6 subheading; nil or empty keeps every item's code.
	HSCodes map[int]iorules.HSCode `json:"hs_codes,omitempty"`
}

// ShipmentFor returns the shipment market m evaluates: the base shipment
// with m as destination, m's importer of record, exchange rates,
// subdivision and (if given) end user, and each item m gives a national
// tariff line for (MarketSetup.HSCodes) declared under that line. It
// reports false when the rollout does not name m. The result shares the
// base's items unless m gives tariff lines (then it has its own copy of
// the items, sharing their other slices); treat it as read-only.
func (r Rollout) ShipmentFor(m iorules.Country) (iorules.Shipment, bool) {
	s, ok := r.setupFor(m)
	if !ok {
		return iorules.Shipment{}, false
	}
	return withHSCodes(s, r.Markets[m].HSCodes), true
}

// setupFor is ShipmentFor without the market's tariff lines: the shipment
// whose every problem is named in the base or the market's setup.
func (r Rollout) setupFor(m iorules.Country) (iorules.Shipment, bool) {
	setup, ok := r.Markets[m]
	if !ok {
		return iorules.Shipment{}, false
	}
	s := r.Shipment
	s.Destination = m
	s.DestinationSubdivision = setup.DestinationSubdivision
	s.ImporterOfRecord = setup.ImporterOfRecord
	s.ExchangeRates = maps.Clone(setup.ExchangeRates)
	if setup.EndUser != nil {
		s.EndUser = *setup.EndUser
	}
	return s, true
}

// withHSCodes returns s with each item whose line codes names declared
// under the code given, in a copy of the items; s itself when codes names
// none.
func withHSCodes(s iorules.Shipment, codes map[int]iorules.HSCode) iorules.Shipment {
	if len(codes) == 0 {
		return s
	}
	s.Items = slices.Clone(s.Items)
	for i := range s.Items {
		if c, ok := codes[s.Items[i].Line]; ok {
			s.Items[i].HSCode = c
		}
	}
	return s
}

// hsCodeProblems checks market m's national tariff lines against the base
// items: each must name an item's line, be a valid HS code and extend the
// item's HS-6 subheading (an item whose own code is invalid is reported
// in the base). The problems come by line, with their path in the rollout
// (`markets[VN].hs_codes["5"]`).
func hsCodeProblems(m iorules.Country, codes map[int]iorules.HSCode, items []iorules.Item) []*iorules.FieldError {
	var out []*iorules.FieldError
	for _, line := range slices.Sorted(maps.Keys(codes)) {
		code := codes[line]
		fe := &iorules.FieldError{Path: hsCodePath(m, strconv.Itoa(line))}
		i := slices.IndexFunc(items, func(it iorules.Item) bool { return it.Line == line })
		switch {
		case i < 0:
			fe.Msg = fmt.Sprintf("no item has line %d", line)
		case !code.IsValid():
			fe.Msg = fmt.Sprintf("must be an HS code of 6 to 12 digits, such as \"8504.40.11\", not %q", strictjson.Truncate(string(code), 40))
		case items[i].HSCode.IsValid() && code.HS6() != items[i].HSCode.HS6():
			fe.Msg = fmt.Sprintf("%s is not under %s, the HS-6 subheading line %d declares: a national tariff line must extend it",
				code, hs6String(items[i].HSCode), line)
		default:
			continue
		}
		out = append(out, fe)
	}
	return out
}

// hsCodePath names the entry key of market m's hs_codes.
func hsCodePath(m iorules.Country, key string) string {
	return "markets[" + string(m) + "]." + hsCodesKey + "[" + strconv.Quote(strictjson.Truncate(key, 40)) + "]"
}

// hs6String writes the HS-6 subheading of a valid code, "8504.40".
func hs6String(c iorules.HSCode) string { return iorules.HSCode(c.HS6()).String() }

// RolloutResult is the outcome of a Rollout: one result per market, in
// market order, and a summary of which markets can move together.
type RolloutResult struct {
	// ShipmentID is the base shipment's ID.
	ShipmentID string `json:"shipment_id"`
	// AsOf is the base shipment's date, on which every market judged it.
	AsOf iorules.Date `json:"as_of"`
	// Currency is the shipment currency.
	Currency iorules.Currency `json:"currency"`
	// Markets holds one result per market, ordered by market code.
	Markets []MarketResult `json:"markets"`
	// Summary says which markets can move together.
	Summary RolloutSummary `json:"summary"`
}

// MarketResult is the outcome of one market of a rollout.
type MarketResult struct {
	// Market is the market evaluated.
	Market iorules.Country `json:"market"`
	// Verdict is the market's verdict, as Decision.Verdict.
	Verdict Verdict `json:"verdict"`
	// Currency is the market's currency; ShipmentCurrency the invoice's.
	Currency iorules.Currency `json:"currency"`
	// ShipmentCurrency is the base shipment's (invoice) currency, the same
	// for every market.
	ShipmentCurrency iorules.Currency `json:"shipment_currency"`
	// ExchangeRate is units of Currency per unit of ShipmentCurrency, as the
	// market's setup gave it (1 when they are the same); nil when the
	// shipment could not be valued.
	ExchangeRate *decimal.Decimal `json:"exchange_rate"`
	// LandedCost is the decision's landed cost in Currency; nil when it
	// could not be computed (Decision.LandedCost is nil: the shipment
	// could not be valued, or a tax was not computed for some line).
	LandedCost *decimal.Decimal `json:"landed_cost"`
	// LandedCostInShipmentCurrency is LandedCost divided by ExchangeRate and
	// rounded half away from zero to the minor unit of ShipmentCurrency: a
	// figure for comparing markets, not an amount any authority computes.
	// Nil with LandedCost.
	LandedCostInShipmentCurrency *decimal.Decimal `json:"landed_cost_shipment_currency"`
	// MissingApprovals lists the approvals required and not held (or
	// expired): those that hold the cargo first, the longest lead time
	// first (an unknown lead time before any known one). Empty (not nil)
	// when none is missing.
	MissingApprovals []MissingApproval `json:"missing_approvals"`
	// EarliestShipDate is the first date the cargo can move given the lead
	// times of the missing approvals that hold it; zero when the market
	// declines or when ShipDateUnknown.
	EarliestShipDate iorules.Date `json:"earliest_ship_date,omitzero"`
	// ShipDateUnknown is true when the market does not decline but a missing
	// approval that holds the cargo has no known lead time.
	ShipDateUnknown bool `json:"ship_date_unknown,omitempty"`
	// OpenConditions lists, once each and in the decision's order, the codes
	// of the condition reasons other than missing approvals (an export
	// licence, a missing fact): they too must be resolved before the cargo
	// moves, and their time is not known. Empty (not nil) when there are
	// none.
	OpenConditions []string `json:"open_conditions"`
	// Decision is the market's full decision.
	Decision Decision `json:"decision"`
}

// MissingApproval is an approval a market requires that the shipment does
// not hold.
type MissingApproval struct {
	// ID is the approval id, as approvals_held lists it ("tr.tareks").
	ID string `json:"id"`
	// Authority is the issuing authority's acronym, as the policy gives it.
	Authority string `json:"authority"`
	// Title is the approval's name, as the policy gives it.
	Title string `json:"title"`
	// Stage is when the approval must exist.
	Stage approvals.Stage `json:"stage"`
	// HoldsCargo is true when the stage is before shipment or before
	// clearance: the approval's lead time moves the earliest ship date.
	HoldsCargo bool `json:"holds_cargo"`
	// Status is approvals.StatusRequired (not held) or
	// approvals.StatusExpired (held, but expired on the shipment date); an
	// id may appear once with each, for different lines.
	Status approvals.Status `json:"status"`
	// LeadTimeDays is the usual time to obtain the approval, in calendar
	// days; nil when the policy does not know it.
	LeadTimeDays *int `json:"lead_time_days"`
	// Lines are the line numbers that need it with this Status, sorted.
	Lines []int `json:"lines"`
}

// RolloutSummary says which markets can move together, and which cannot
// move at all.
type RolloutSummary struct {
	// Together groups the markets that do not decline and whose earliest
	// ship date is known, by that date, the earliest first. A market can
	// also move on any later date.
	Together []ShipGroup `json:"together"`
	// DateUnknown lists the markets that do not decline but wait on an
	// approval of unknown lead time.
	DateUnknown []iorules.Country `json:"date_unknown"`
	// Declined lists the declining markets with their first declining
	// reason.
	Declined []DeclinedMarket `json:"declined"`
}

// ShipGroup is a set of markets whose cargo can move from the same date.
type ShipGroup struct {
	// Date is the markets' common earliest ship date.
	Date iorules.Date `json:"date"`
	// Markets are the markets whose earliest ship date is Date, in market
	// order; never empty.
	Markets []iorules.Country `json:"markets"`
}

// DeclinedMarket is a market that declines, with the first reason it gives.
type DeclinedMarket struct {
	// Market is the declining market.
	Market iorules.Country `json:"market"`
	// Reason is the first reason of its decision whose severity is
	// decline.
	Reason iorules.Reason `json:"reason"`
}

// Rollout evaluates one shipment against several markets, each with its own
// importer of record and exchange rates (see Rollout). Every market must
// have a loaded policy (else *UnknownMarketError) and every market's
// shipment must be valid, its tariff lines included (MarketSetup.HSCodes):
// problems are returned all at once as a joined error of
// *iorules.FieldError, named by their path in the rollout's JSON form
// ("markets[TR].importer_of_record.registrations[0].scheme",
// "shipment.items[0].unit_value", `markets[VN].hs_codes["4"]`). Export controls are screened per market,
// since they depend on the destination and its parties.
func (e *Engine) Rollout(r Rollout, opts ...EvalOption) (RolloutResult, error) {
	if len(r.Markets) == 0 {
		return RolloutResult{}, errors.Join(&iorules.FieldError{Path: "markets", Msg: "required: at least one market"})
	}
	ms := slices.Sorted(maps.Keys(r.Markets))
	for _, m := range ms {
		if _, ok := e.policies[m]; !ok {
			return RolloutResult{}, &UnknownMarketError{Market: m}
		}
	}
	var probs rolloutProblems
	shipments := make([]iorules.Shipment, len(ms))
	for i, m := range ms {
		// The market's shipment is validated before its tariff lines
		// replace the items' codes, so that a problem of an item's code is
		// named in the base and one of a tariff line in the market.
		s, _ := r.setupFor(m)
		probs.add(m, r.Markets[m].EndUser != nil, s.Validate(e.checks...))
		probs.list = append(probs.list, hsCodeProblems(m, r.Markets[m].HSCodes, r.Shipment.Items)...)
		shipments[i] = withHSCodes(s, r.Markets[m].HSCodes)
	}
	if err := probs.err(); err != nil {
		return RolloutResult{}, err
	}
	cfg := newEvalConfig(opts)
	res := RolloutResult{
		ShipmentID: r.Shipment.ID, AsOf: r.Shipment.Date, Currency: r.Shipment.Currency,
		Markets: make([]MarketResult, 0, len(ms)),
	}
	for i, m := range ms {
		// Each market has its own shipment, so its own audit digests: a
		// fresh copy of the options for each.
		mcfg := cfg
		d, err := e.prequalifyWith(e.policies[m], shipments[i], exportctl.Screen(shipments[i], cfg.screening), &mcfg)
		if err != nil {
			// An input error only valuation finds (charges a price cannot
			// cover) is named like the others.
			probs.add(m, r.Markets[m].EndUser != nil, err)
			if len(probs.list) > 0 {
				return RolloutResult{}, probs.err()
			}
			return RolloutResult{}, fmt.Errorf("market %s: %w", m, err)
		}
		res.Markets = append(res.Markets, newMarketResult(d, r.Shipment.Currency))
	}
	res.Summary = summarise(res.Markets)
	return res, nil
}

// newMarketResult condenses a decision into the figures a rollout compares.
func newMarketResult(d Decision, shipmentCurrency iorules.Currency) MarketResult {
	mr := MarketResult{
		Market: d.Market, Verdict: d.Verdict, Currency: d.Currency, ShipmentCurrency: shipmentCurrency,
		MissingApprovals: []MissingApproval{}, OpenConditions: []string{}, Decision: d,
	}
	if v := d.Valuation; v != nil {
		rate := v.ExchangeRate
		mr.ExchangeRate = &rate
		if d.LandedCost != nil && rate.IsPositive() {
			landed := *d.LandedCost
			back := landed.DivRound(rate, shipmentCurrency.MinorUnits())
			mr.LandedCost, mr.LandedCostInShipmentCurrency = &landed, &back
		}
	}
	for _, a := range d.Approvals {
		if a.Status == approvals.StatusHeld {
			continue
		}
		mr.MissingApprovals = append(mr.MissingApprovals, MissingApproval{
			ID: a.ID, Authority: a.Authority, Title: a.Title, Stage: a.Stage, HoldsCargo: a.Stage.Blocks(),
			Status: a.Status, LeadTimeDays: cloneDays(a.LeadTimeDays), Lines: slices.Clone(a.Lines),
		})
	}
	slices.SortStableFunc(mr.MissingApprovals, func(a, b MissingApproval) int {
		return cmp.Or(
			compareBool(b.HoldsCargo, a.HoldsCargo),
			cmp.Compare(leadRank(b.LeadTimeDays), leadRank(a.LeadTimeDays)),
			cmp.Compare(a.ID, b.ID))
	})
	for _, r := range d.Reasons {
		if r.Severity == iorules.SeverityCondition && r.Code != CodeApprovalMissing && r.Code != CodeApprovalExpired &&
			!slices.Contains(mr.OpenConditions, r.Code) {
			mr.OpenConditions = append(mr.OpenConditions, r.Code)
		}
	}
	switch {
	case d.Verdict == Decline:
	case d.EarliestShipDate.IsZero():
		mr.ShipDateUnknown = true
	default:
		mr.EarliestShipDate = d.EarliestShipDate
	}
	return mr
}

// leadRank orders lead times for sorting: an unknown one above any known.
func leadRank(days *int) int {
	if days == nil {
		return int(^uint(0) >> 1)
	}
	return *days
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// summarise groups the markets by the date they can move.
func summarise(results []MarketResult) RolloutSummary {
	sum := RolloutSummary{Together: []ShipGroup{}, DateUnknown: []iorules.Country{}, Declined: []DeclinedMarket{}}
	for _, mr := range results {
		switch {
		case mr.Verdict == Decline:
			dm := DeclinedMarket{Market: mr.Market}
			if i := slices.IndexFunc(mr.Decision.Reasons, func(r iorules.Reason) bool { return r.Severity == iorules.SeverityDecline }); i >= 0 {
				dm.Reason = mr.Decision.Reasons[i]
			}
			sum.Declined = append(sum.Declined, dm)
		case mr.ShipDateUnknown:
			sum.DateUnknown = append(sum.DateUnknown, mr.Market)
		default:
			i := slices.IndexFunc(sum.Together, func(g ShipGroup) bool { return g.Date.Equal(mr.EarliestShipDate) })
			if i < 0 {
				sum.Together = append(sum.Together, ShipGroup{Date: mr.EarliestShipDate})
				i = len(sum.Together) - 1
			}
			sum.Together[i].Markets = append(sum.Together[i].Markets, mr.Market)
		}
	}
	slices.SortStableFunc(sum.Together, func(a, b ShipGroup) int { return a.Date.Time().Compare(b.Date.Time()) })
	return sum
}

// MarshalJSON writes the amounts as decimal strings with the minor-unit
// places of their currency, like Decision, and the decision last.
func (mr MarketResult) MarshalJSON() ([]byte, error) {
	fixed := func(x *decimal.Decimal, c iorules.Currency) *string {
		if x == nil {
			return nil
		}
		s := x.StringFixed(c.MinorUnits())
		return &s
	}
	return json.Marshal(struct {
		Market                       iorules.Country   `json:"market"`
		Verdict                      Verdict           `json:"verdict"`
		Currency                     iorules.Currency  `json:"currency"`
		ShipmentCurrency             iorules.Currency  `json:"shipment_currency"`
		ExchangeRate                 *decimal.Decimal  `json:"exchange_rate"`
		LandedCost                   *string           `json:"landed_cost"`
		LandedCostInShipmentCurrency *string           `json:"landed_cost_shipment_currency"`
		MissingApprovals             []MissingApproval `json:"missing_approvals"`
		EarliestShipDate             iorules.Date      `json:"earliest_ship_date,omitzero"`
		ShipDateUnknown              bool              `json:"ship_date_unknown,omitempty"`
		OpenConditions               []string          `json:"open_conditions"`
		Decision                     Decision          `json:"decision"`
	}{
		mr.Market, mr.Verdict, mr.Currency, mr.ShipmentCurrency, mr.ExchangeRate,
		fixed(mr.LandedCost, mr.Currency), fixed(mr.LandedCostInShipmentCurrency, mr.ShipmentCurrency),
		mr.MissingApprovals, mr.EarliestShipDate, mr.ShipDateUnknown, mr.OpenConditions, mr.Decision,
	})
}

// rolloutProblems gathers the field errors of a rollout's markets, renamed
// to their path in the rollout and without repeats: a problem of the base
// shipment shows up once, not once per market.
type rolloutProblems struct {
	list []*iorules.FieldError
	seen map[string]bool
}

// add records the field errors in err, found in market m's shipment;
// ownEndUser says whether m replaces the base's end user. Other errors in
// err are ignored.
func (p *rolloutProblems) add(m iorules.Country, ownEndUser bool, err error) {
	for _, fe := range iorules.FieldErrors(err) {
		renamed := &iorules.FieldError{Path: rolloutPath(m, ownEndUser, fe.Path), Msg: fe.Msg}
		key := renamed.Path + "\x00" + renamed.Msg
		if p.seen[key] {
			continue
		}
		if p.seen == nil {
			p.seen = map[string]bool{}
		}
		p.seen[key] = true
		p.list = append(p.list, renamed)
	}
}

// err returns the problems, or nil: those of the rollout and its base
// shipment first, then each market's, by market.
func (p *rolloutProblems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	market := func(path string) string {
		if rest, ok := strings.CutPrefix(path, "markets["); ok {
			m, _, _ := strings.Cut(rest, "]")
			return m
		}
		return ""
	}
	slices.SortStableFunc(p.list, func(a, b *iorules.FieldError) int {
		return strings.Compare(market(a.Path), market(b.Path))
	})
	errs := make([]error, len(p.list))
	for i, fe := range p.list {
		errs[i] = fe
	}
	return errors.Join(errs...)
}

// marketFields are the shipment fields a rollout sets per market.
var marketFields = []string{"destination", "destination_subdivision", "importer_of_record", "exchange_rates"}

// marketOnlyFields are the fields, by JSON key, of a market of a rollout
// that are not shipment fields: the decoder reads them itself and leaves
// them out of the market's shipment.
var marketOnlyFields = []string{hsCodesKey}

// hsCodesKey is the JSON key of MarketSetup.HSCodes.
const hsCodesKey = "hs_codes"

// sharedFields are the shipment fields, by JSON key, that every market of a
// rollout shares from its shipment, with why. A shipment field is in
// marketFields, in sharedFields, or is end_user, which a market may set
// (TestRolloutFieldsCoverShipment).
var sharedFields = map[string]string{
	"id":             "one consignment, offered to several markets",
	"date":           "the planned date of importation does not depend on where",
	"origin":         "the goods leave from one place",
	"incoterm":       "one sale",
	"transport_mode": "one move",
	"currency":       "one invoice",
	"charges":        "one move; each market values it in its own currency",
	"exporter":       "one seller",
	"related_party":  "one seller and buyer",
	"items":          "the same goods (a market may declare an item under its national tariff line: MarketSetup.HSCodes)",
	"documents":      "the same documents in hand",
}

// rolloutPath renames the path of a problem in market m's shipment to its
// path in the rollout: fields set per market go under markets[XX], the rest
// under shipment. The destination is the market itself.
func rolloutPath(m iorules.Country, ownEndUser bool, path string) string {
	if path == "" {
		return ""
	}
	head := path
	if i := strings.IndexAny(path, ".["); i >= 0 {
		head = path[:i]
	}
	market := "markets[" + string(m) + "]"
	switch {
	case head == "destination":
		return market
	case slices.Contains(marketFields, head), head == "end_user" && ownEndUser:
		return market + "." + path
	}
	return "shipment." + path
}

// cloneDays copies a lead time, so that a result shares none with its
// decision.
func cloneDays(days *int) *int {
	if days == nil {
		return nil
	}
	d := *days
	return &d
}

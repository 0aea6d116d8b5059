package exportctl

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/iorules/iorules"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

//go:embed data/*.yaml
var embedded embed.FS

// Rule statuses, as written in the YAML.
const (
	statusInForce     = "in_force"
	statusNotEnforced = "not_enforced"
	statusSuspended   = "suspended"
	statusSuperseded  = "superseded"
)

// membership is one country's membership of a group over a window.
type membership struct {
	iorules.Window // from its first day; a zero To means open-ended
	country        iorules.Country
	source         string
	confidence     iorules.Confidence
	note           string
}

// rule is one period of a legal rule the engine applies or reports.
type rule struct {
	iorules.Window // from its first day; a zero To means open-ended
	id             string
	title          string
	regime         string
	source         string
	status         string
	statusSince    iorules.Date
	confidence     iorules.Confidence
	note           string
	params         map[string]decimal.Decimal
	categories     []iorules.Category
	countries      []iorules.Country
}

// embargo is one embargoed place over a window.
type embargo struct {
	iorules.Window // from its first day; a zero To means open-ended
	id             string
	place          string
	country        iorules.Country
	subdivisions   []iorules.Subdivision
	reach          string // any_origin | ear_subject
	treatment      string // decline | syria_2025 | confirm_region
	parties        bool
	exporter       string // exporterDecline | exporterReview | exporterNone
	sources        map[string]string
	confidence     iorules.Confidence
	note           string
}

// What an exporter in an embargoed place means (embargoes.yaml exporter).
const (
	exporterDecline = "decline"
	exporterReview  = "review"
	exporterNone    = "none"
)

// originMeasure is a prohibition on goods by their origin (embargoes.yaml
// origin_measures).
type originMeasure struct {
	iorules.Window // from its first day; a zero To means open-ended
	id             string
	place          string
	country        iorules.Country
	chapters       []string          // HS chapters; none: every chapter
	destinations   []iorules.Country // none (and no groups): any destination
	destGroups     []Group
	treatment      string // treatDecline | exporterReview
	source         string
	text           string
	confidence     iorules.Confidence
}

// chplItem is one HS-6 subheading of the Common High Priority List.
type chplItem struct {
	hs6         string
	tier        string
	description string
	confidence  iorules.Confidence
	note        string
}

// listEffect says what a match on a restricted-party list means.
type listEffect struct {
	code       string
	names      []string
	effect     iorules.Severity
	affiliates bool // the Affiliates rule treats an entity the list's parties own 50 % or more as listed
	source     string
	confidence iorules.Confidence
}

// dataset is the immutable, validated data the engine reads.
type dataset struct {
	coverage        iorules.Window // From only: the first shipment date the data covers
	reviewedThrough iorules.Date
	groups          map[Group][]membership
	rules           map[string][]rule
	embargoes       []embargo
	originMeasures  []originMeasure
	chpl            map[string]chplItem
	chplWindow      iorules.Window
	chplSource      string
	lists           []listEffect

	// Indexes and texts derived from the data above once it has loaded, so
	// that screening a shipment does not rebuild them. Like the rest of the
	// dataset they are never written after loading.
	memberships  map[iorules.Country][]groupMembership // each country's memberships, by group and then in data order
	listsByName  map[string]int                        // normalised list code or name → index in lists (first wins)
	reviewedNote string                                // message for a shipment dated after reviewedThrough

	affiliatesTexts map[iorules.Date]affiliatesText // by the first day of each Affiliates-rule record
}

// groupMembership is a membership with the group it is of.
type groupMembership struct {
	group Group
	membership
}

// Rule ids the engine refers to; loading fails if one has no record.
var requiredRules = []string{
	ruleScope, ruleFDP, ruleDeMinimis, rule3A090, rule3A090HQ, ruleAIDiffusion,
	ruleCaseByCase, ruleCarveOut, ruleACA, ruleNAC, rule740_2, rule744_23, rule744_21,
	ruleENC, rule5A992, ruleATOnly, ruleEAR99, ruleCountryChart, rulePresumedEAR99,
	rule746_8, ruleSyriaSPP, ruleCHPL, ruleEUAnnexI, ruleEU001, ruleEUIntra,
	ruleEUCatchAll, ruleEUAdvanced, ruleEU12g, ruleUKDualUse, ruleUKAdvanced, ruleScreening, ruleClassification,
	ruleAffiliates, ruleDataCenterVEU,
}

// Group ids the engine refers to; loading fails if one is missing.
var requiredGroups = []Group{
	GroupA5, GroupA6, GroupB, GroupD1, GroupD3, GroupD4, GroupD5, GroupE1, GroupE2,
	GroupMacau, GroupEU, GroupEU001, GroupEUAnnexVIII, GroupCHPLDiversion, groupReviewed,
}

var loadEmbedded = sync.OnceValues(func() (*dataset, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, err
	}
	return loadData(sub)
})

// YAML shapes.
type (
	yMember struct {
		Countries     []string `yaml:"countries"`
		EffectiveFrom string   `yaml:"effective_from"`
		EffectiveTo   string   `yaml:"effective_to"`
		Source        string   `yaml:"source"`
		Confidence    string   `yaml:"confidence"`
		Note          string   `yaml:"note"`
	}
	yGroup struct {
		ID      string    `yaml:"id"`
		Title   string    `yaml:"title"`
		Members []yMember `yaml:"members"`
	}
	yGroupsFile struct {
		Coverage struct {
			From            string `yaml:"from"`
			ReviewedThrough string `yaml:"reviewed_through"`
			Source          string `yaml:"source"`
		} `yaml:"coverage"`
		Groups []yGroup `yaml:"groups"`
	}
	yRule struct {
		ID            string            `yaml:"id"`
		Title         string            `yaml:"title"`
		Regime        string            `yaml:"regime"`
		Source        string            `yaml:"source"`
		Status        string            `yaml:"status"`
		StatusSince   string            `yaml:"status_since"`
		EffectiveFrom string            `yaml:"effective_from"`
		EffectiveTo   string            `yaml:"effective_to"`
		Confidence    string            `yaml:"confidence"`
		Note          string            `yaml:"note"`
		Params        map[string]string `yaml:"params"`
		Categories    []string          `yaml:"categories"`
		Countries     []string          `yaml:"countries"`
	}
	yRulesFile struct {
		Rules []yRule `yaml:"rules"`
	}
	yEmbargo struct {
		ID            string            `yaml:"id"`
		Place         string            `yaml:"place"`
		Country       string            `yaml:"country"`
		Subdivisions  []string          `yaml:"subdivisions"`
		Reach         string            `yaml:"reach"`
		Treatment     string            `yaml:"treatment"`
		Parties       bool              `yaml:"parties"`
		Exporter      string            `yaml:"exporter"`
		Sources       map[string]string `yaml:"sources"`
		EffectiveFrom string            `yaml:"effective_from"`
		EffectiveTo   string            `yaml:"effective_to"`
		Confidence    string            `yaml:"confidence"`
		Note          string            `yaml:"note"`
	}
	yEmbargoesFile struct {
		Embargoes      []yEmbargo `yaml:"embargoes"`
		OriginMeasures []struct {
			ID                string   `yaml:"id"`
			Place             string   `yaml:"place"`
			Country           string   `yaml:"country"`
			Chapters          []string `yaml:"chapters"`
			Destinations      []string `yaml:"destinations"`
			DestinationGroups []string `yaml:"destination_groups"`
			Treatment         string   `yaml:"treatment"`
			Source            string   `yaml:"source"`
			Text              string   `yaml:"text"`
			EffectiveFrom     string   `yaml:"effective_from"`
			EffectiveTo       string   `yaml:"effective_to"`
			Confidence        string   `yaml:"confidence"`
			Note              string   `yaml:"note"`
		} `yaml:"origin_measures"`
	}
	yCHPLFile struct {
		List struct {
			Source        string `yaml:"source"`
			EffectiveFrom string `yaml:"effective_from"`
			EffectiveTo   string `yaml:"effective_to"`
		} `yaml:"list"`
		Items []struct {
			HS6         string `yaml:"hs6"`
			Tier        string `yaml:"tier"`
			Description string `yaml:"description"`
			Confidence  string `yaml:"confidence"`
			Note        string `yaml:"note"`
		} `yaml:"items"`
	}
	yListsFile struct {
		Lists []struct {
			Code       string   `yaml:"code"`
			Names      []string `yaml:"names"`
			Effect     string   `yaml:"effect"`
			Affiliates bool     `yaml:"affiliates"`
			Source     string   `yaml:"source"`
			Confidence string   `yaml:"confidence"`
		} `yaml:"lists"`
	}
)

// loadData reads and validates the five data files from fsys. It reports
// every problem it finds, each prefixed with its file and record.
func loadData(fsys fs.FS) (*dataset, error) {
	d := &dataset{
		groups: map[Group][]membership{},
		rules:  map[string][]rule{},
		chpl:   map[string]chplItem{},
	}
	var errs []error
	bad := func(file, rec, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s: %s", file, rec, fmt.Sprintf(format, args...)))
	}
	// Every window has a first day; a missing effective_to means open-ended.
	win := func(file, rec, from, to string) iorules.Window {
		if from == "" {
			bad(file, rec, "effective_from: required")
		}
		w, err := iorules.ParseWindow(from, to)
		for _, fe := range iorules.FieldErrors(err) {
			bad(file, rec, "%v", fe)
		}
		return w
	}
	conf := func(file, rec, c string) iorules.Confidence {
		parsed, err := iorules.ParseConfidence(c)
		if err != nil {
			bad(file, rec, "confidence must be confirmed or unconfirmed, got %q", c)
		}
		return parsed
	}
	src := func(file, rec, s string) {
		if strings.TrimSpace(s) == "" {
			bad(file, rec, "source is missing")
		}
	}
	country := func(file, rec, c string) iorules.Country {
		parsed, err := iorules.ParseCountry(c)
		if err != nil {
			bad(file, rec, "%v", err)
		}
		return parsed
	}

	// groups.yaml
	var gf yGroupsFile
	if err := decodeYAML(fsys, "groups.yaml", &gf); err != nil {
		errs = append(errs, err)
	} else {
		var err error
		if d.coverage.From, err = iorules.ParseDate(gf.Coverage.From); err != nil {
			bad("groups.yaml", "coverage", "from: %v", err)
		}
		if d.reviewedThrough, err = iorules.ParseDate(gf.Coverage.ReviewedThrough); err != nil {
			bad("groups.yaml", "coverage", "reviewed_through: %v", err)
		}
		for _, g := range gf.Groups {
			id := Group(g.ID)
			if _, dup := d.groups[id]; dup {
				bad("groups.yaml", g.ID, "group listed twice")
			}
			if len(g.Members) == 0 {
				bad("groups.yaml", g.ID, "group has no members")
			}
			for i, m := range g.Members {
				rec := fmt.Sprintf("%s members[%d]", g.ID, i)
				w := win("groups.yaml", rec, m.EffectiveFrom, m.EffectiveTo)
				confidence := conf("groups.yaml", rec, m.Confidence)
				src("groups.yaml", rec, m.Source)
				for _, c := range m.Countries {
					d.groups[id] = append(d.groups[id], membership{
						Window: w, country: country("groups.yaml", rec, c),
						source: m.Source, confidence: confidence, note: m.Note,
					})
				}
			}
		}
	}

	// rules.yaml
	var rf yRulesFile
	if err := decodeYAML(fsys, "rules.yaml", &rf); err != nil {
		errs = append(errs, err)
	}
	for i, r := range rf.Rules {
		rec := fmt.Sprintf("rules[%d] %s", i, r.ID)
		if !strings.HasPrefix(r.ID, "exportctl.") {
			bad("rules.yaml", rec, "id must start with exportctl.")
		}
		switch r.Status {
		case statusInForce, statusNotEnforced, statusSuspended, statusSuperseded:
		default:
			bad("rules.yaml", rec, "status must be in_force, not_enforced, suspended or superseded, got %q", r.Status)
		}
		confidence := conf("rules.yaml", rec, r.Confidence)
		src("rules.yaml", rec, r.Source)
		if r.Regime != regimeEAR && r.Regime != regimeEU && r.Regime != regimeUK {
			bad("rules.yaml", rec, "regime must be %q, %q or %q, got %q", regimeEAR, regimeEU, regimeUK, r.Regime)
		}
		out := rule{
			Window: win("rules.yaml", rec, r.EffectiveFrom, r.EffectiveTo),
			id:     r.ID, title: r.Title, regime: r.Regime, source: r.Source,
			status: r.Status, confidence: confidence, note: r.Note,
			params: map[string]decimal.Decimal{},
		}
		if r.StatusSince != "" {
			var err error
			if out.statusSince, err = iorules.ParseDate(r.StatusSince); err != nil {
				bad("rules.yaml", rec, "status_since: %v", err)
			}
		}
		for k, v := range r.Params {
			dv, err := decimal.NewFromString(v)
			if err != nil {
				bad("rules.yaml", rec, "params.%s: %q is not a decimal", k, v)
			}
			out.params[k] = dv
		}
		for _, c := range r.Categories {
			if !iorules.Category(c).IsValid() {
				bad("rules.yaml", rec, "unknown category %q", c)
			}
			out.categories = append(out.categories, iorules.Category(c))
		}
		for _, c := range r.Countries {
			out.countries = append(out.countries, country("rules.yaml", rec, c))
		}
		for _, prev := range d.rules[r.ID] {
			if prev.Overlaps(out.Window) {
				bad("rules.yaml", rec, "window overlaps another record of the same rule")
			}
		}
		d.rules[r.ID] = append(d.rules[r.ID], out)
	}

	// embargoes.yaml
	var ef yEmbargoesFile
	if err := decodeYAML(fsys, "embargoes.yaml", &ef); err != nil {
		errs = append(errs, err)
	}
	for i, e := range ef.Embargoes {
		rec := fmt.Sprintf("embargoes[%d] %s", i, e.ID)
		out := embargo{
			Window: win("embargoes.yaml", rec, e.EffectiveFrom, e.EffectiveTo),
			id:     e.ID, place: e.Place, country: country("embargoes.yaml", rec, e.Country),
			reach: e.Reach, treatment: e.Treatment, parties: e.Parties, exporter: e.Exporter,
			sources: e.Sources, confidence: conf("embargoes.yaml", rec, e.Confidence), note: e.Note,
		}
		switch {
		case !e.Parties && e.Exporter == "":
			out.exporter = exporterNone
		case e.Exporter != exporterDecline && e.Exporter != exporterReview && e.Exporter != exporterNone:
			bad("embargoes.yaml", rec, "exporter must be decline, review or none, got %q", e.Exporter)
		case !e.Parties && e.Exporter != exporterNone:
			bad("embargoes.yaml", rec, "exporter %s needs parties: true", e.Exporter)
		}
		if e.Reach != reachAnyOrigin && e.Reach != reachEARSubject {
			bad("embargoes.yaml", rec, "reach must be any_origin or ear_subject, got %q", e.Reach)
		}
		switch e.Treatment {
		case treatDecline, treatSyria2025, treatConfirmRegion:
		default:
			bad("embargoes.yaml", rec, "unknown treatment %q", e.Treatment)
		}
		if e.Sources[regimeEAR] == "" {
			bad("embargoes.yaml", rec, "sources needs a %q entry", regimeEAR)
		}
		for k := range e.Sources {
			if k != regimeEAR && k != regimeEU && k != regimeUK {
				bad("embargoes.yaml", rec, "unknown regime %q in sources", k)
			}
		}
		for _, s := range e.Subdivisions {
			sub := iorules.Subdivision(s)
			if sub.Country() != out.country {
				bad("embargoes.yaml", rec, "subdivision %s is not in %s", s, e.Country)
			}
			out.subdivisions = append(out.subdivisions, sub)
		}
		if e.Parties && len(out.subdivisions) > 0 {
			bad("embargoes.yaml", rec, "parties cannot be tested against a subdivision")
		}
		for _, prev := range d.embargoes {
			if prev.id == out.id && prev.Overlaps(out.Window) {
				bad("embargoes.yaml", rec, "window overlaps another record of the same embargo")
			}
		}
		d.embargoes = append(d.embargoes, out)
	}
	for i, m := range ef.OriginMeasures {
		rec := fmt.Sprintf("origin_measures[%d] %s", i, m.ID)
		out := originMeasure{
			Window: win("embargoes.yaml", rec, m.EffectiveFrom, m.EffectiveTo),
			id:     m.ID, place: m.Place, country: country("embargoes.yaml", rec, m.Country),
			chapters: m.Chapters, treatment: m.Treatment, source: m.Source, text: m.Text,
			confidence: conf("embargoes.yaml", rec, m.Confidence),
		}
		src("embargoes.yaml", rec, m.Source)
		if m.ID == "" || m.Place == "" || strings.TrimSpace(m.Text) == "" {
			bad("embargoes.yaml", rec, "id, place and text are required")
		}
		if m.Treatment != treatDecline && m.Treatment != exporterReview {
			bad("embargoes.yaml", rec, "treatment must be decline or review, got %q", m.Treatment)
		}
		for _, ch := range m.Chapters {
			if len(ch) != 2 || ch[0] < '0' || ch[0] > '9' || ch[1] < '0' || ch[1] > '9' || ch == "00" {
				bad("embargoes.yaml", rec, "chapter %q is not a two-digit HS chapter", ch)
			}
		}
		for _, c := range m.Destinations {
			out.destinations = append(out.destinations, country("embargoes.yaml", rec, c))
		}
		for _, g := range m.DestinationGroups {
			if _, ok := d.groups[Group(g)]; !ok {
				bad("embargoes.yaml", rec, "unknown destination group %q", g)
			}
			out.destGroups = append(out.destGroups, Group(g))
		}
		for _, prev := range d.originMeasures {
			if prev.id == out.id {
				bad("embargoes.yaml", rec, "id repeated")
			}
		}
		d.originMeasures = append(d.originMeasures, out)
	}

	// chpl.yaml
	var cf yCHPLFile
	if err := decodeYAML(fsys, "chpl.yaml", &cf); err != nil {
		errs = append(errs, err)
	} else {
		d.chplWindow = win("chpl.yaml", "list", cf.List.EffectiveFrom, cf.List.EffectiveTo)
		d.chplSource = cf.List.Source
		src("chpl.yaml", "list", cf.List.Source)
		for i, it := range cf.Items {
			rec := fmt.Sprintf("items[%d] %s", i, it.HS6)
			if _, err := iorules.ParseHSCode(it.HS6); err != nil || len(it.HS6) != 6 {
				bad("chpl.yaml", rec, "hs6 must be six digits")
			}
			if _, dup := d.chpl[it.HS6]; dup {
				bad("chpl.yaml", rec, "listed twice")
			}
			confidence := conf("chpl.yaml", rec, it.Confidence)
			d.chpl[it.HS6] = chplItem{hs6: it.HS6, tier: it.Tier, description: it.Description, confidence: confidence, note: it.Note}
		}
	}

	// lists.yaml
	var lf yListsFile
	if err := decodeYAML(fsys, "lists.yaml", &lf); err != nil {
		errs = append(errs, err)
	}
	for i, l := range lf.Lists {
		rec := fmt.Sprintf("lists[%d] %s", i, l.Code)
		sev := iorules.Severity(l.Effect)
		if sev != iorules.SeverityDecline && sev != iorules.SeverityCondition {
			bad("lists.yaml", rec, "effect must be decline or condition, got %q", l.Effect)
		}
		confidence := conf("lists.yaml", rec, l.Confidence)
		src("lists.yaml", rec, l.Source)
		d.lists = append(d.lists, listEffect{code: l.Code, names: l.Names, effect: sev, affiliates: l.Affiliates, source: l.Source, confidence: confidence})
	}

	for _, id := range requiredRules {
		if len(d.rules[id]) == 0 {
			bad("rules.yaml", id, "rule the engine needs is missing")
		}
	}
	for _, g := range requiredGroups {
		if len(d.groups[g]) == 0 {
			bad("groups.yaml", string(g), "group the engine needs is missing")
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	d.index()
	return d, nil
}

// index derives the lookup tables of a validated dataset.
func (d *dataset) index() {
	d.memberships = map[iorules.Country][]groupMembership{}
	for _, g := range slices.Sorted(maps.Keys(d.groups)) {
		for _, m := range d.groups[g] {
			d.memberships[m.country] = append(d.memberships[m.country], groupMembership{g, m})
		}
	}
	d.listsByName = map[string]int{}
	for i, l := range d.lists {
		for _, n := range slices.Concat([]string{l.code}, l.names) {
			k := normalizeListName(n)
			if _, seen := d.listsByName[k]; !seen {
				d.listsByName[k] = i
			}
		}
	}
	d.reviewedNote = reviewedNote(d.reviewedThrough)
	d.affiliatesTexts = map[iorules.Date]affiliatesText{}
	for _, r := range d.rules[ruleAffiliates] {
		d.affiliatesTexts[r.From] = newAffiliatesText(r)
	}
}

// decodeYAML decodes one file strictly: unknown fields are errors.
func decodeYAML(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// ruleOn returns the record of rule id whose window covers day, whatever its
// status.
func (d *dataset) ruleOn(id string, day iorules.Date) (rule, bool) {
	for _, r := range d.rules[id] {
		if r.Covers(day) {
			return r, true
		}
	}
	return rule{}, false
}

// inForce returns the record of rule id that applies on day: its window
// covers the day and its status is in_force. A rule with any other status is
// never applied.
func (d *dataset) inForce(id string, day iorules.Date) (rule, bool) {
	r, ok := d.ruleOn(id, day)
	if !ok || r.status != statusInForce {
		return rule{}, false
	}
	return r, true
}

// member returns c's membership of g on day.
func (d *dataset) member(g Group, c iorules.Country, day iorules.Date) (membership, bool) {
	if c == "" {
		return membership{}, false
	}
	for _, m := range d.memberships[c] {
		if m.group == g && m.Covers(day) {
			return m.membership, true
		}
	}
	return membership{}, false
}

func (d *dataset) in(g Group, c iorules.Country, day iorules.Date) bool {
	_, ok := d.member(g, c, day)
	return ok
}

// listEffectOf finds what a match on the named list means; a list the data
// does not know is treated as a decline, and as one the Affiliates rule
// extends to the entities its parties own.
func (d *dataset) listEffectOf(name string) (listEffect, bool) {
	if i, ok := d.listsByName[normalizeListName(name)]; ok {
		return d.lists[i], true
	}
	return listEffect{effect: iorules.SeverityDecline, affiliates: true}, false
}

// listNameSeparators turns the punctuation of list names into spaces. A
// Replacer is safe for concurrent use.
var listNameSeparators = strings.NewReplacer(".", " ", "-", " ", "_", " ")

func normalizeListName(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(listNameSeparators.Replace(s))), " ")
}

package markets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/markets/internal/policy"
	"github.com/iorules/iorules/valuation"
	"github.com/shopspring/decimal"
)

//go:embed policies/*.yaml
var embedded embed.FS

// Embedded returns the policies shipped with the library, as a file system
// whose root holds one <market>.yaml per market (and their _test.yaml
// cases), for callers who want to read, copy or test them.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "policies")
	if err != nil {
		return embedded
	}
	return sub
}

// Engine evaluates shipments against compiled market policies. It is
// immutable after New and safe for concurrent use.
type Engine struct {
	env      *policy.Environment
	policies map[iorules.Country]*policy.Policy
	order    []iorules.Country
	digest   string
	noMemo   bool // evaluate item-scope conditions on every line (tests)
	// interpret evaluates every expression with CEL's interpreter, none
	// lowered to Go (tests).
	interpret bool
	// checks are what the policies need of a shipment to their market
	// (ShipmentChecks), built once for Validate on every evaluation.
	checks []iorules.Check
}

// MaxLines is the largest shipment the static cost estimate of a policy's
// expressions assumes: an item-scope expression runs once per line.
const MaxLines = 10_000

// Option configures New.
type Option func(*options)

type options struct {
	fsys      fs.FS
	costLimit uint64
	noMemo    bool
	interpret bool // every expression interpreted (tests)
	tables    Tables
}

// WithPolicies loads the market policies from fsys instead of the embedded
// ones: every *.yaml file at its root except *_test.yaml case files.
func WithPolicies(fsys fs.FS) Option { return func(o *options) { o.fsys = fsys } }

// WithRuntimeCostLimit aborts any single expression evaluation whose CEL
// cost exceeds limit, on top of the static estimate checked at load. The
// evaluation then fails closed with a rule_error reason. Zero means none.
// With a limit, every expression is evaluated by CEL's interpreter, which
// counts the cost, rather than by the Go closures expressions are lowered
// to (docs/policy.md): evaluation is then slower.
func WithRuntimeCostLimit(limit uint64) Option { return func(o *options) { o.costLimit = limit } }

// EvalOption configures one evaluation.
type EvalOption func(*evalConfig)

type evalConfig struct {
	screening exportctl.Options
	refs      []valuation.ReferencePrice
	tolerance decimal.Decimal
	// digests caches the audit hashes of the shipment and of the options,
	// computed once per call however many markets it evaluates.
	digests *inputDigests
	// explain asks for Decision.Explanation.
	explain bool
}

func newEvalConfig(opts []EvalOption) evalConfig {
	var cfg evalConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return cfg
}

// WithScreening supplies the restricted-party list, threshold and
// dispositions for export-control screening. Without it no party screening
// is done, and the decision says so.
func WithScreening(o exportctl.Options) EvalOption {
	return func(c *evalConfig) { c.screening = o }
}

// WithReferencePrices supplies benchmark unit prices: a line priced below
// the Low of its reference by more than tolerance (a fraction, 0.2 for 20%)
// gets a condition reason asking for valuation evidence, with the figures
// and the reference's source. See valuation.CheckPrices; the library embeds
// no prices.
func WithReferencePrices(refs []valuation.ReferencePrice, tolerance decimal.Decimal) EvalOption {
	return func(c *evalConfig) { c.refs, c.tolerance = refs, tolerance }
}

// New compiles the market policies (the embedded ones unless WithPolicies
// says otherwise). Every expression is compiled and checked once here; a
// policy that fails to load returns a *LoadError listing every problem as
// FILE:LINE:COL: rule ID: message.
func New(opts ...Option) (*Engine, error) {
	o := options{fsys: Embedded()}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.fsys == nil {
		return nil, ErrNoPolicies
	}
	env, err := policy.NewEnvironment(o.costLimit)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(o.fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	e := &Engine{env: env, policies: map[iorules.Country]*policy.Policy{}, noMemo: o.noMemo, interpret: o.interpret}
	var issues []Issue
	overall := sha256.New()
	compiled := compileAll(env, o.fsys, names)
	for _, c := range compiled {
		name, src, p, found := c.name, c.src, c.p, c.found
		if c.err != nil {
			issues = append(issues, Issue{File: name, Line: 1, Col: 1, Msg: c.err.Error()})
			continue
		}
		for _, is := range found {
			issues = append(issues, Issue(is))
		}
		if p == nil || len(found) > 0 {
			continue
		}
		sum := sha256.Sum256(src)
		p.Digest = hex.EncodeToString(sum[:])
		fmt.Fprintf(overall, "%s %s\n", path.Base(name), p.Digest)
		if prev, dup := e.policies[p.Market]; dup {
			issues = append(issues, Issue{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf("market %s is already defined by %s", p.Market, prev.File)})
			continue
		}
		e.policies[p.Market] = p
		e.order = append(e.order, p.Market)
	}
	if len(issues) == 0 && len(o.tables) > 0 {
		slices.Sort(e.order)
		issues = e.applyTables(o.tables, overall)
	}
	if len(issues) > 0 {
		return nil, &LoadError{Issues: issues}
	}
	if len(e.order) == 0 {
		return nil, &LoadError{Issues: []Issue{{File: ".", Line: 1, Col: 1, Msg: "no policy files (*.yaml) found"}}}
	}
	slices.Sort(e.order)
	e.digest = hex.EncodeToString(overall.Sum(nil))
	e.checks = []iorules.Check{iorules.SubdivisionCheck(e.checkSubdivision)}
	return e, nil
}

// ShipmentChecks returns what the loaded policies need of a shipment to
// their market, as checks for iorules.DecodeShipment, Shipment.Validate and
// DecodeRollout: a destination subdivision where the market's taxes depend
// on one, one of the codes the policy knows (destination_subdivision).
// Decoding with them reports these problems with every other; Prequalify,
// PrequalifyAll, PrequalifyMarket and Rollout apply them in any case.
func (e *Engine) ShipmentChecks() []iorules.Check { return slices.Clone(e.checks) }

// checkSubdivision checks the destination subdivision of a shipment to
// market against the market's policy; a market without one needs nothing.
func (e *Engine) checkSubdivision(market iorules.Country, sub iorules.Subdivision) string {
	if pol, ok := e.policies[market]; ok {
		return pol.Subdivisions.Check(market, sub)
	}
	return ""
}

// Markets lists the markets that have a policy, in order.
func (e *Engine) Markets() []iorules.Country { return slices.Clone(e.order) }

// PolicyInfo describes a loaded policy.
type PolicyInfo struct {
	// PolicyRef identifies the policy as every decision cites it (market,
	// version, file, content hash, window).
	PolicyRef
	// Name is the market's name as the policy gives it.
	Name string
	// Currency is the currency the policy computes every amount in.
	Currency iorules.Currency
	// Rules are the rule ids, in policy order.
	Rules []string
	// Taxes are the tax ids, in chain order.
	Taxes []string
}

// Policy describes the policy of a market.
func (e *Engine) Policy(market iorules.Country) (PolicyInfo, bool) {
	p, ok := e.policies[market]
	if !ok {
		return PolicyInfo{}, false
	}
	info := PolicyInfo{PolicyRef: policyRef(p), Name: p.Name, Currency: p.Currency}
	for _, r := range p.Rules {
		info.Rules = append(info.Rules, r.ID)
	}
	for _, t := range p.Taxes {
		info.Taxes = append(info.Taxes, t.ID)
	}
	return info, true
}

// PolicySetSHA256 is the content hash of every loaded policy file, for the
// audit record.
func (e *Engine) PolicySetSHA256() string { return e.digest }

// compiledFile is one policy file read and compiled.
type compiledFile struct {
	name  string
	src   []byte
	err   error // reading it
	p     *policy.Policy
	found []policy.Issue
}

// compileAll reads the policy files (not the _test.yaml ones) in order,
// then compiles them in parallel: each compiles on its own, and the
// environment is safe for concurrent use, as for evaluations. fsys is
// read from one goroutine only.
func compileAll(env *policy.Environment, fsys fs.FS, names []string) []compiledFile {
	var out []compiledFile
	for _, name := range names {
		if strings.HasSuffix(name, "_test.yaml") {
			continue
		}
		src, err := policy.ReadFile(fsys, name)
		out = append(out, compiledFile{name: name, src: src, err: err})
	}
	panics := make([]any, len(out))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(out)) {
		wg.Go(func() {
			for i := range work {
				func() {
					// A panic is the caller's, as it was before loading
					// was parallel.
					defer func() { panics[i] = recover() }()
					if c := &out[i]; c.err == nil {
						c.p, c.found = policy.Compile(env, c.name, c.src)
					}
				}()
			}
		})
	}
	for i := range out {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, v := range panics {
		if v != nil {
			panic(v)
		}
	}
	return out
}

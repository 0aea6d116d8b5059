package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/examples/internal/cli"
	"github.com/iorules/iorules/markets"
	"github.com/iorules/iorules/schema"
)

// service holds what every request shares: one Engine, compiled once and
// safe for concurrent use, the evaluation options from the command line,
// the logger and the page's templates.
type service struct {
	engine   *markets.Engine
	evalOpts []markets.EvalOption
	log      *slog.Logger
	page     *pageAssets
	// allowed maps each routed path to its methods, for the 405 answer.
	allowed map[string][]string
}

// newHandler returns the service's whole HTTP handler: routes, the JSON
// 404 and 405 answers, panic recovery and the request log.
func newHandler(engine *markets.Engine, evalOpts []markets.EvalOption, logger *slog.Logger) (http.Handler, error) {
	page, err := loadPage()
	if err != nil {
		return nil, err
	}
	s := &service{engine: engine, evalOpts: evalOpts, log: logger, page: page, allowed: map[string][]string{}}
	mux := http.NewServeMux()
	route := func(method, path string, h http.HandlerFunc) {
		mux.HandleFunc(method+" "+path, h)
		s.allowed[path] = append(s.allowed[path], method)
	}
	route(http.MethodPost, "/v1/prequalify", s.prequalify)
	route(http.MethodPost, "/v1/rollout", s.rollout)
	route(http.MethodGet, "/v1/markets", s.markets)
	route(http.MethodGet, "/healthz", s.healthz)
	for _, name := range schema.Names() {
		route(http.MethodGet, "/v1/schema/"+name, s.schemaFile(name))
	}
	route(http.MethodGet, "/{$}", s.index)
	route(http.MethodPost, "/{$}", s.submit)
	for _, name := range s.page.assetNames {
		route(http.MethodGet, "/assets/"+name, s.asset(name))
	}
	for _, sm := range s.page.samples {
		route(http.MethodGet, "/samples/"+sm.Name, s.sample(sm))
	}
	// GET also answers HEAD.
	for path, methods := range s.allowed {
		if slices.Contains(methods, http.MethodGet) {
			s.allowed[path] = append(methods, http.MethodHead)
		}
	}
	mux.HandleFunc("/", s.fallback)
	return s.logged(s.recovered(mux)), nil
}

// problem is one entry of an error body: a field path (empty for the
// document as a whole) and what is wrong with it.
type problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// errorBody is the JSON body of every 4xx and 5xx answer of the API.
type errorBody struct {
	Status   int       `json:"status"`
	Error    string    `json:"error"`
	Problems []problem `json:"problems,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg string, probs []problem) {
	b, err := json.MarshalIndent(errorBody{Status: status, Error: msg, Problems: probs}, "", "  ")
	if err != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeJSON writes v as prequalify prints it: indented by two spaces and
// ending in a newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encoding the answer: "+err.Error(), nil)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// problemsOf turns field errors into the problems of an error body.
func problemsOf(fes []*iorules.FieldError) []problem {
	out := make([]problem, len(fes))
	for i, fe := range fes {
		out[i] = problem{Path: fe.Path, Message: fe.Msg}
	}
	return out
}

// inputError classifies an error from decoding a request body: 413 for a
// body over the limit, 400 with every problem for an invalid document, 400
// for a body that could not be read.
func inputError(err error, what string) (status int, msg string, probs []problem) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", tooBig.Limit), nil
	}
	if fes := iorules.FieldErrors(err); len(fes) > 0 {
		return http.StatusBadRequest, "invalid " + what, problemsOf(fes)
	}
	return http.StatusBadRequest, "reading the request body: " + err.Error(), nil
}

// limitBody caps the body at the decoder's own limit, so a larger body is
// refused before the decoder would reject it, and says so with a 413.
func limitBody(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength > iorules.MaxShipmentBytes {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", iorules.MaxShipmentBytes), nil)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, iorules.MaxShipmentBytes)
	return true
}

// prequalify answers POST /v1/prequalify: the body is one shipment; the
// answer is exactly what prequalify prints for it with the same -market.
func (s *service) prequalify(w http.ResponseWriter, r *http.Request) {
	if !limitBody(w, r) {
		return
	}
	ship, err := iorules.DecodeShipment(r.Body, s.engine.ShipmentChecks()...)
	if err != nil {
		status, msg, probs := inputError(err, "shipment")
		writeError(w, status, msg, probs)
		return
	}
	ds, list, status, msg, probs := s.decide(ship, r.URL.Query().Get("market"))
	if status != 0 {
		writeError(w, status, msg, probs)
		return
	}
	s.note(r, "shipment_id", ship.ID, "decisions", verdicts(ds))
	if list {
		writeJSON(w, http.StatusOK, ds)
		return
	}
	writeJSON(w, http.StatusOK, ds[0])
}

// decide evaluates ship against the markets the market parameter names,
// with the rules of prequalify's -market: empty is the destination, "all"
// every market in order, "XX,YY" a list (and list reports that the answer
// is an array). A non-zero status is an error to answer with.
func (s *service) decide(ship iorules.Shipment, market string) (ds []markets.Decision, list bool, status int, msg string, probs []problem) {
	targets, list, prob := selectMarkets(market, ship, s.engine.Markets())
	if prob != nil {
		return nil, false, http.StatusBadRequest, prob.Message, []problem{*prob}
	}
	ds = make([]markets.Decision, 0, len(targets))
	for _, m := range targets {
		d, err := s.engine.PrequalifyMarket(m, ship, s.evalOpts...)
		if err != nil {
			if fes := iorules.FieldErrors(err); len(fes) > 0 {
				return nil, false, http.StatusBadRequest, "invalid shipment", problemsOf(fes)
			}
			var unknown *markets.UnknownMarketError
			if errors.As(err, &unknown) {
				return nil, false, http.StatusBadRequest, err.Error(), nil
			}
			return nil, false, http.StatusInternalServerError, fmt.Sprintf("market %s: %v", m, err), nil
		}
		ds = append(ds, d)
	}
	return ds, list, 0, "", nil
}

// selectMarkets resolves the market parameter into markets to evaluate, in
// answer order, as prequalify resolves -market. A problem names the query
// parameter ("?market") or, for a destination without a policy, the field.
func selectMarkets(spec string, ship iorules.Shipment, loaded []iorules.Country) ([]iorules.Country, bool, *problem) {
	out, list, merr := cli.SelectMarkets(spec, ship.Destination, loaded)
	switch {
	case merr == nil:
		return out, list, nil
	case merr.NoDestination != "":
		return nil, false, &problem{Path: "destination", Message: fmt.Sprintf(
			"no policy for the destination market %s (loaded: %s); name one with ?market=", ship.Destination, joinMarkets(loaded))}
	case merr.Empty:
		return nil, false, &problem{Path: "?market", Message: fmt.Sprintf("no market named in %q", strings.TrimSpace(spec))}
	}
	return nil, false, &problem{Path: "?market", Message: fmt.Sprintf("no policy for %s (loaded: %s)", strings.Join(merr.Unknown, ", "), joinMarkets(loaded))}
}

func joinMarkets(ms []iorules.Country) string { return cli.JoinMarkets(ms) }

// verdicts is a short log value: "TR=conditional BR=clear".
func verdicts(ds []markets.Decision) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = string(d.Market) + "=" + string(d.Verdict)
	}
	return strings.Join(parts, " ")
}

// rollout answers POST /v1/rollout: the body is a rollout
// (markets.DecodeRollout); the answer is the markets.RolloutResult as
// prequalify -rollout prints it.
func (s *service) rollout(w http.ResponseWriter, r *http.Request) {
	if !limitBody(w, r) {
		return
	}
	ro, err := markets.DecodeRollout(r.Body, s.engine.ShipmentChecks()...)
	if err != nil {
		status, msg, probs := inputError(err, "rollout")
		writeError(w, status, msg, probs)
		return
	}
	res, status, msg, probs := s.evaluateRollout(ro)
	if status != 0 {
		writeError(w, status, msg, probs)
		return
	}
	s.note(r, "shipment_id", res.ShipmentID, "markets", len(res.Markets))
	writeJSON(w, http.StatusOK, res)
}

func (s *service) evaluateRollout(ro markets.Rollout) (markets.RolloutResult, int, string, []problem) {
	res, err := s.engine.Rollout(ro, s.evalOpts...)
	if err == nil {
		return res, 0, "", nil
	}
	if fes := iorules.FieldErrors(err); len(fes) > 0 {
		return res, http.StatusBadRequest, "invalid rollout", problemsOf(fes)
	}
	var unknown *markets.UnknownMarketError
	if errors.As(err, &unknown) {
		msg := fmt.Sprintf("%v (loaded: %s)", err, joinMarkets(s.engine.Markets()))
		return res, http.StatusBadRequest, msg, []problem{{Path: "markets[" + string(unknown.Market) + "]", Message: msg}}
	}
	return res, http.StatusInternalServerError, err.Error(), nil
}

// marketInfo is one market of GET /v1/markets.
type marketInfo struct {
	Market        iorules.Country  `json:"market"`
	Name          string           `json:"name"`
	Currency      iorules.Currency `json:"currency"`
	Version       string           `json:"version"`
	EffectiveFrom iorules.Date     `json:"effective_from"`
	// EffectiveTo is left out when the policy has no end date.
	EffectiveTo iorules.Date `json:"effective_to,omitzero"`
	File        string       `json:"file"`
	SHA256      string       `json:"sha256"`
	Rules       int          `json:"rules"`
	Taxes       []string     `json:"taxes"`
}

// marketsBody is the answer of GET /v1/markets.
type marketsBody struct {
	Library         string       `json:"library"`
	PolicySetSHA256 string       `json:"policy_set_sha256"`
	Markets         []marketInfo `json:"markets"`
}

func (s *service) marketList() marketsBody {
	body := marketsBody{Library: "github.com/iorules/iorules " + markets.Version, PolicySetSHA256: s.engine.PolicySetSHA256()}
	for _, m := range s.engine.Markets() {
		p, ok := s.engine.Policy(m)
		if !ok {
			continue
		}
		taxes := p.Taxes
		if taxes == nil {
			taxes = []string{}
		}
		body.Markets = append(body.Markets, marketInfo{Market: p.Market, Name: p.Name, Currency: p.Currency, Version: p.Version,
			EffectiveFrom: p.EffectiveFrom, EffectiveTo: p.EffectiveTo, File: p.File, SHA256: p.SHA256, Rules: len(p.Rules), Taxes: taxes})
	}
	return body
}

// markets answers GET /v1/markets.
func (s *service) markets(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.marketList())
}

// healthz answers GET /healthz. The engine is compiled before the service
// listens, so a process that answers is ready.
func (s *service) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "markets": len(s.engine.Markets())})
}

// schemaFile answers GET /v1/schema/NAME with the embedded schema.
func (s *service) schemaFile(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := schema.File(name)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error(), nil)
			return
		}
		w.Header().Set("Content-Type", "application/schema+json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	}
}

// fallback answers every request no route took: 405 with the allowed
// methods when the path is routed, else 404.
func (s *service) fallback(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if path == "/" {
		path = "/{$}"
	}
	if methods, ok := s.allowed[path]; ok {
		w.Header().Set("Allow", strings.Join(methods, ", "))
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(methods, ", ")), nil)
		return
	}
	writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path, nil)
}

// noteKey is the context key of a request's log attributes.
type noteKey struct{}

// notes collects attributes a handler adds to its request's log line.
type notes struct{ attrs []any }

// note adds attributes to the request's log line.
func (s *service) note(r *http.Request, attrs ...any) {
	if n, ok := r.Context().Value(noteKey{}).(*notes); ok {
		n.attrs = append(n.attrs, attrs...)
	}
}

// statusWriter records the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	n, err := sw.ResponseWriter.Write(b)
	sw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// logged writes one structured log line per request.
func (s *service) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		n := &notes{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), noteKey{}, n)))
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		attrs := append([]any{"method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "remote", r.RemoteAddr}, n.attrs...)
		s.log.Log(r.Context(), level, "request", attrs...)
	})
}

// recovered turns a panic in a handler into a 500, logged with its stack,
// instead of a dropped connection.
func (s *service) recovered(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeError(w, http.StatusInternalServerError, "internal error", nil)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

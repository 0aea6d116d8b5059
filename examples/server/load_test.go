package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadClients is the number of concurrent clients of BenchmarkServerLoad.
const loadClients = 32

// BenchmarkServerLoad sends b.N requests to POST /v1/prequalify from 32
// concurrent clients over loopback (an httptest server on 127.0.0.1, keep-
// alive connections) and reports decisions per second and the 50th and
// 99th percentile latency. It is bounded by b.N: run it with a fixed count,
//
//	go test -run '^$' -bench ServerLoad -benchtime 4000x ./examples/server
func BenchmarkServerLoad(b *testing.B) {
	cases := []struct {
		name, file, query string
		decisions         int // per request
	}{
		{"one market", "br-servers-sp.json", "", 1},
		{"all 11 markets", "tr-network.json", "?market=all", 11},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			srv := httptest.NewServer(newTestHandler(b))
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients}}
			defer client.CloseIdleConnections()
			body := readFile(b, filepath.Join(shipmentsDir, tc.file))
			url := srv.URL + "/v1/prequalify" + tc.query

			var next, failed atomic.Int64
			lat := make([][]time.Duration, loadClients)
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for c := range loadClients {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						t0 := time.Now()
						resp, err := client.Post(url, "application/json", bytes.NewReader(body))
						if err != nil {
							failed.Add(1)
							continue
						}
						_, err = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if err != nil || resp.StatusCode != http.StatusOK {
							failed.Add(1)
							continue
						}
						lat[c] = append(lat[c], time.Since(t0))
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d requests failed", n, b.N)
			}
			all := slices.Concat(lat...)
			slices.Sort(all)
			pct := func(p float64) float64 {
				i := min(len(all)-1, int(float64(len(all))*p))
				return float64(all[i].Microseconds()) / 1000
			}
			b.ReportMetric(float64(b.N*tc.decisions)/elapsed.Seconds(), "decisions/s")
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "requests/s")
			b.ReportMetric(pct(0.50), "p50_ms")
			b.ReportMetric(pct(0.99), "p99_ms")
		})
	}
}

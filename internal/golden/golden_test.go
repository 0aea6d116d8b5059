package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records what a helper reports.
type recorder struct {
	testing.TB
	errors []string
	fatal  string
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "TestX/case" }
func (r *recorder) Errorf(format string, a ...any) {
	r.errors = append(r.errors, sprintf(format, a...))
}
func (r *recorder) Fatalf(format string, a ...any) { r.fatal = sprintf(format, a...); panic(r) }

func sprintf(format string, a ...any) string { return strings.TrimSpace(fmt.Sprintf(format, a...)) }

// run calls f with a recorder and returns it once f returns or fails.
func run(t *testing.T, f func(tb testing.TB)) (r *recorder) {
	r = &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != any(r) {
			panic(p)
		}
	}()
	f(r)
	return r
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.golden")
	require.NoError(t, os.WriteFile(path, []byte("one\ntwo\n"), 0o644))

	tests := []struct {
		name       string
		update     bool
		check      func(tb testing.TB)
		wantErr    string
		wantFatal  string
		wantOnDisk string
	}{
		{name: "same", check: func(tb testing.TB) { Check(tb, path, "one\ntwo\n") }, wantOnDisk: "one\ntwo\n"},
		{name: "bytes", check: func(tb testing.TB) { Check(tb, path, []byte("one\ntwo\n")) }, wantOnDisk: "one\ntwo\n"},
		{name: "differs", check: func(tb testing.TB) { Check(tb, path, "one\nthree\n") },
			wantErr: "out.golden differs (-golden +got); if the change is intended, update it with go test -run 'TestX/case' -update", wantOnDisk: "one\ntwo\n"},
		{name: "compare never updates", update: true, check: func(tb testing.TB) { Compare(tb, path, "one\nthree\n") },
			wantErr: "update it with the package that owns it", wantOnDisk: "one\ntwo\n"},
		{name: "missing", check: func(tb testing.TB) { Check(tb, filepath.Join(dir, "none"), "x") },
			wantFatal: "is missing: run go test -run 'TestX/case' -update", wantOnDisk: "one\ntwo\n"},
		{name: "update rewrites", update: true, check: func(tb testing.TB) { Check(tb, path, "one\nthree\n") }, wantOnDisk: "one\nthree\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*update = tt.update
			defer func() { *update = false }()
			r := run(t, tt.check)
			if tt.wantErr == "" {
				require.Empty(t, r.errors)
			} else {
				require.Len(t, r.errors, 1)
				require.Contains(t, r.errors[0], tt.wantErr)
			}
			if tt.wantFatal == "" {
				require.Empty(t, r.fatal)
			} else {
				require.Contains(t, r.fatal, tt.wantFatal)
			}
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, tt.wantOnDisk, string(b))
			require.Equal(t, tt.update, Updating())
		})
	}
}

// Package golden compares what a test produces with a golden file under
// testdata/, and rewrites the file when the test binary runs with -update.
// It is for tests only; every package of the module that keeps goldens uses
// it, so that -update means the same everywhere.
//
// After an intended change, run `go test ./<package> -run <Test> -update`
// and review the diff of testdata/ before committing it.
package golden

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the tests produce")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with the golden file at path and reports a difference
// as an error of t, with the diff (-golden +got). With -update it writes got
// to path instead, creating or replacing it.
func Check[T ~string | ~[]byte](t testing.TB, path string, got T) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		return
	}
	compare(t, path, string(got), true)
}

// Compare is Check for a golden file that another package owns: it compares
// got with the file and never rewrites it, -update or not.
func Compare[T ~string | ~[]byte](t testing.TB, path string, got T) {
	t.Helper()
	compare(t, path, string(got), false)
}

// Read returns the golden file at path, failing t when it cannot be read;
// a missing file is reported with the command that creates it.
func Read(t testing.TB, path string) string {
	t.Helper()
	want, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		t.Fatalf("golden file %s is missing: run go test -run '%s' -update in the package that owns it to create it", path, t.Name())
	case err != nil:
		t.Fatalf("golden: %v", err)
	}
	return string(want)
}

func compare(t testing.TB, path, got string, owned bool) {
	t.Helper()
	want := Read(t, path)
	if diff := cmp.Diff(want, got); diff != "" {
		hint := "the package that owns it"
		if owned {
			hint = "go test -run '" + t.Name() + "' -update, then review the diff"
		}
		t.Errorf("%s differs (-golden +got); if the change is intended, update it with %s:\n%s", path, hint, diff)
	}
}

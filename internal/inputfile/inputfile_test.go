package inputfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/iorules/iorules/internal/inputfile"
	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.json")
	require.NoError(t, os.WriteFile(small, []byte("{}"), 0o644))
	tests := []struct {
		name, file string
		limit      int64
		want       string
		err        string
	}{
		{"a regular file", small, 10, "{}", ""},
		{"over the limit", small, 1, "", "larger than 1 bytes"},
		{"a directory", dir, 10, "", "is not a regular file"},
		{"missing", filepath.Join(dir, "nope"), 10, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := inputfile.Read(tt.file, tt.limit)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got))
		})
	}
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/iorules/iorules"
	"github.com/iorules/iorules/exportctl"
	"github.com/iorules/iorules/internal/strictjson"
)

// maxScreeningBytes caps the -screening file (64 MiB): the whole
// Consolidated Screening List is a fraction of it.
const maxScreeningBytes = 64 << 20

// freeText decodes free text of at most limit characters.
func freeText(d *strictjson.Decoder, at string, raw json.RawMessage, limit int, dst *string) bool {
	var s string
	if !d.String(at, raw, &s) {
		return false
	}
	if utf8.RuneCountInString(s) > limit {
		d.Addf(at, "must be at most %d characters", limit)
		return false
	}
	*dst = s
	return true
}

// readScreening reads the restricted-party list of -screening FILE for
// export-control screening. Any problem with it is a failure (status 3),
// not an invalid shipment: one line per problem, naming the field.
func readScreening(file string) (exportctl.Options, error) {
	data, err := readInputFile(file, maxScreeningBytes)
	if err != nil {
		return exportctl.Options{}, fail(exitFailure, "prequalify: -screening: %v", err)
	}
	opts, err := decodeScreening(data)
	if err != nil {
		return exportctl.Options{}, inputFailure("-screening", file, err)
	}
	return opts, nil
}

// decodeScreening decodes the JSON form of -screening FILE with
// exportctl.DecodeList: as strict as a shipment, every problem named by its
// JSON path.
func decodeScreening(data []byte) (exportctl.Options, error) {
	return exportctl.DecodeList(data)
}

// fieldErrors turns the problems of a strictjson.Decoder into a joined
// error of *iorules.FieldError, or nil.
func fieldErrors(ps []strictjson.Problem) error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = &iorules.FieldError{Path: p.Path, Msg: p.Msg}
	}
	return errors.Join(errs...)
}

// inputFailure is the status-3 failure for the problems in an input file
// named by flag: one line each, "prequalify: -flag FILE: path: message".
func inputFailure(flag, file string, err error) error {
	fes := iorules.FieldErrors(err)
	if len(fes) == 0 {
		return fail(exitFailure, "prequalify: %s %s: %v", flag, file, err)
	}
	f := &failure{code: exitFailure}
	for _, fe := range fes {
		f.lines = append(f.lines, fmt.Sprintf("prequalify: %s %s: %s", flag, file, fe.Error()))
	}
	return f
}

// readInputFile reads a file of at most limit bytes, refusing anything but
// a regular file (a FIFO would block, a device never end).
func readInputFile(file string, limit int64) ([]byte, error) {
	// Stat before opening: opening a FIFO blocks until a writer comes.
	if info, err := os.Stat(file); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", file, limit)
	}
	return data, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

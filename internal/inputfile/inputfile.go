// Package inputfile reads the files the commands are given (a screening
// list, reference prices, caller tables) safely: only regular files, and
// no more than a limit, so that a FIFO cannot block a command and a device
// cannot exhaust its memory.
package inputfile

import (
	"fmt"
	"io"
	"os"
)

// Read returns the contents of file, refusing anything but a regular file
// and a file larger than limit bytes.
func Read(file string, limit int64) ([]byte, error) {
	// Stat before opening: opening a FIFO blocks until a writer comes.
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
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

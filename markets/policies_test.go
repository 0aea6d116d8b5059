package markets_test

import (
	"os"
	"testing"

	"github.com/iorules/iorules/markets/policytest"
)

func TestMiniPolicy(t *testing.T) {
	policytest.Run(t, os.DirFS("testdata/mini"))
}

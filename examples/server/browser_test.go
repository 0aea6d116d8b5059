package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/iorules/iorules"
	"github.com/stretchr/testify/require"
)

// chromiumPath is Debian's chromium package; .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// TestBrowser drives the page in headless Chromium as a person would: pick
// a sample with the keyboard, submit, read the verdict and a tax figure;
// paste a broken shipment and see its field error next to the text area;
// upload a file and compare every market. Without Chromium it skips,
// loudly, unless IORULES_REQUIRE_BROWSER=1 (set by .ci/run) makes it fail.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("IORULES_REQUIRE_BROWSER") == "1" {
			t.Fatalf("IORULES_REQUIRE_BROWSER=1 but %s is missing: %v", chromiumPath, err)
		}
		t.Skip("\n\n" + strings.Repeat("!", 72) + "\n!! SKIPPED: the end-to-end browser test needs " + chromiumPath + ".\n" +
			"!! Install it with: apt-get install -y --no-install-recommends chromium\n" + strings.Repeat("!", 72) + "\n")
	}

	// The service, started as main starts it, on a free loopback port.
	srvCtx, stopServer := context.WithCancel(context.Background())
	var logs syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- run(srvCtx, []string{"-addr", "127.0.0.1:0"}, &logs, ready) }()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case code := <-done:
		t.Fatalf("server exited with %d: %s", code, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	t.Cleanup(func() {
		stopServer()
		require.Equal(t, 0, <-done, logs.String())
	})

	// The browser, with a profile of its own and nothing talking to the
	// network but the page.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()

	// What the engine decides for the sample, to compare the page with.
	engine, err := testEngine()
	require.NoError(t, err)
	ship, err := iorules.DecodeShipment(bytes.NewReader(readFile(t, filepath.Join("samples", "br-servers-sp.json"))))
	require.NoError(t, err)
	want, err := engine.Prequalify(ship)
	require.NoError(t, err)
	require.NotEmpty(t, want.Taxes)
	firstTax := want.Taxes[0]

	t.Run("a sample picked with the keyboard", func(t *testing.T) {
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.ID("sample")),
			chromedp.Focus(chromedp.ID("sample")),
			// The first sample after "None"; the page's script loads it
			// into the text area.
			chromedp.SendKeys(chromedp.ID("sample"), kb.ArrowDown),
		))
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("shipment").value.includes("`+ship.ID+`")`,
			chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err, "the sample did not reach the text area")
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("result-title")),
		))
		verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#market-BR .verdict`)))
		require.NoError(t, err)
		require.Equal(t, strings.ToUpper(string(want.Verdict)), strings.TrimSpace(verdict))
		amount, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#taxes-BR tr[data-tax="`+firstTax.ID+`"] td.amount`)))
		require.NoError(t, err)
		require.Equal(t, money(firstTax.Amount, want.Currency), strings.TrimSpace(amount))
		total, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#market-BR .total-taxes`)))
		require.NoError(t, err)
		require.Equal(t, "BRL "+money(*want.TotalTaxes, want.Currency), strings.TrimSpace(total))
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		require.NoError(t, err)
		require.Equal(t, "result-title", focused, "focus moves to the result")
	})

	t.Run("a broken shipment shows its field error", func(t *testing.T) {
		broken := strings.Replace(string(readFile(t, filepath.Join("samples", "br-servers-sp.json"))),
			`"unit_value": "11250.00"`, `"unit_value": 11250.00`, 1)
		require.Contains(t, broken, `"unit_value": 11250.00`, "the sample changed; pick another line to break")
		require.NoError(t, chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("shipment"), broken),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("field-errors")),
		))
		errs, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("field-errors")))
		require.NoError(t, err)
		require.Contains(t, errs, `items[0].unit_value must be a decimal string such as "12.50", not a JSON number`)
		invalid, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("shipment"), "aria-invalid"))
		require.NoError(t, err)
		require.Equal(t, "true", invalid.Value)
		kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("shipment")))
		require.NoError(t, err)
		require.Equal(t, broken, strings.ReplaceAll(kept, "\r\n", "\n"), "the text area keeps what was sent")
		focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		require.NoError(t, err)
		require.Equal(t, "field-errors", focused, "focus moves to the problems")
	})

	t.Run("an uploaded file against every market", func(t *testing.T) {
		file, err := filepath.Abs(filepath.Join("samples", "tr-network.json"))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		))
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("shipment").value.includes("TR-IST-2612-0003")`,
			chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err, "the file did not reach the text area")
		require.NoError(t, chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("market"), "all"),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("markets-table")),
		))
		rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#markets-table tbody tr").length`))
		require.NoError(t, err)
		require.Equal(t, len(engine.Markets()), rows)
		tr, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#markets-table tr[data-market="TR"] .verdict`)))
		require.NoError(t, err)
		require.Equal(t, "CONDITIONAL", strings.TrimSpace(tr))
	})
}

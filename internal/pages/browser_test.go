package pages_test

import (
	"context"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
)

// The order link's fragment (#token=…) reaches the form through order.js
// in a real browser, under the page's Content-Security-Policy. Chromium
// headless runs the page and prints its DOM.
func TestOrderLinkFragmentFillsTheFormInChromium(t *testing.T) {
	t.Parallel()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed: the order page's script is not tried in a browser")
	}
	api := apitest.New(t)
	const token = "tezo_Ab-c_9"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	link := api.URL + "/account/orders/TEZ-100001#token=" + url.QueryEscape(token)
	out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--dump-dom", link).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	if !strings.Contains(dom, `id="token" name="token" value="`+token+`"`) {
		t.Fatalf("the token field after order.js ran:\n%s", dom)
	}
}

package journey

import (
	"os"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/seed"
)

// The by-hand guide (docs/demo.md) names stock SIMs and their codes: they
// must be the demo's, or a newcomer's first simCardAdd fails.
func TestDemoGuideNamesTheDemoStock(t *testing.T) {
	t.Parallel()
	guide, err := os.ReadFile("../../docs/demo.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, sim := range seed.DemoStock()[:3] {
		row := "| `" + sim.ICCID + "` | `" + sim.ActivationCode + "` |"
		if !strings.Contains(string(guide), row) {
			t.Errorf("docs/demo.md lacks the stock row %s", row)
		}
	}
	if !strings.Contains(string(guide), seed.DemoEmail) || !strings.Contains(string(guide), seed.DemoPassword) {
		t.Error("docs/demo.md does not name the demo sign-in")
	}
}

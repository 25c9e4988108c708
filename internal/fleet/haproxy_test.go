package fleet

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// docs/operations.md shows the configuration the tests run: the template
// rendered for three servers on one machine.
func TestHAProxyExampleIsTheTemplate(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "```haproxy\n" + Config(Example) + "```\n"
	if !strings.Contains(string(doc), want) {
		t.Errorf("docs/operations.md does not show the rendered template; put this in its place:\n%s", want)
	}
}

// HAProxy itself accepts the configuration (haproxy -c).
func TestHAProxyAcceptsTheConfiguration(t *testing.T) {
	if _, err := os.Stat(HAProxyBinary); err != nil {
		t.Skip(ErrNoHAProxy)
	}
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(Config(Example)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(HAProxyBinary, "-c", "-f", path).CombinedOutput(); err != nil {
		t.Errorf("haproxy -c: %v\n%s", err, out)
	}
}

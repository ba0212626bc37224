package widget

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/notis-dev/notis/internal/browsertest"
	"github.com/notis-dev/notis/internal/testenv"
)

// TestTypeScriptTypeChecks runs tsc --noEmit over widget/: esbuild strips
// the types without checking them.
func TestTypeScriptTypeChecks(t *testing.T) {
	testenv.LookTool(t, "node", "run scripts/test-deps.sh")
	tsc := filepath.Join(browsertest.NodeModules(), ".bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		testenv.Missing(t, "typescript not installed (run scripts/test-deps.sh): "+err.Error())
	}
	out, err := exec.Command(tsc, "-p", filepath.Join("..", "..", "widget")).CombinedOutput()
	if err != nil {
		t.Errorf("tsc: %v\n%s", err, out)
	}
}

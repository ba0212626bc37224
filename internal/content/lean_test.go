package content

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/notis-dev/notis/internal/build/synth"
	"github.com/notis-dev/notis/internal/notice"
	"github.com/notis-dev/notis/internal/site"
)

// leanSite writes a site with one notice in each front matter format.
func leanSite(t *testing.T) (dir string, cfg *site.Config) {
	t.Helper()
	dir = t.TempDir()
	files := map[string]string{
		"notis.toml":         "site = \"t\"\nbaseURL = \"https://example.org/\"\ndefaultLanguage = \"en\"\n[languages.en]\ntitle = \"T\"\n",
		"content/yaml.en.md": "\n---\ntitle: Y\nupdated: 2026-04-01\ncontroller: {name: Example Ltd, email: dpo@example.org}\nsupervisory_authority: ico\ndata:\n  - {id: identity, name: Identity}\npurposes:\n  - name: Recruiting\n    basis: contract\n    data: [identity]\n---\nBody of yaml.\n",
		"content/toml.en.md": "+++\ntitle = \"T\"\nupdated = 2026-04-01\nsupervisory_authority = \"ico\"\n[controller]\nname = \"Example Ltd\"\n[[data]]\nid = \"identity\"\nname = \"Identity\"\n[[purposes]]\nname = \"A\"\nbasis = \"consent\"\ndata = [\"identity\"]\n+++\nBody of toml.\n",
		"content/json.en.md": "{\n  \"title\": \"J\",\n  \"updated\": \"2026-04-01\",\n  \"supervisory_authority\": \"ico\",\n  \"controller\": {\"name\": \"Example Ltd\"},\n  \"data\": [{\"id\": \"identity\", \"name\": \"Identity\"}],\n  \"purposes\": [{\"name\": \"A\", \"basis\": \"consent\", \"data\": [\"identity\"]}]\n}\nBody of json.\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := site.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// A lean load holds no front matter, yet places every field where a full
// load does: the lint's findings keep their file:line:column.
func TestLeanLoadPlacesFieldsAsAFullLoadDoes(t *testing.T) {
	dir, cfg := leanSite(t)
	full, err := LoadAll(os.DirFS(dir), cfg)
	if err != nil {
		t.Fatal(err)
	}
	lean, err := LoadAllLean(os.DirFS(dir), cfg)
	if err != nil {
		t.Fatal(err)
	}
	paths := []notice.Path{{"title"}, {"controller", "name"}, {"purposes", 0, "basis"}, {"purposes", 0, "data", 0}, {"purposes", 0, "law"}, {"nothing"}}
	for i, p := range full {
		for _, path := range paths {
			want, got := p.Notice.Pos(path...), lean[i].Notice.Pos(path...)
			if got != want {
				t.Errorf("%s: %s at %v, want %v as a full load places it", p.Notice.File, path, got, want)
			}
		}
		// The first field is below the block's first line: a position
		// that was looked up, not the fallback.
		if pos := lean[i].Notice.Pos("purposes", 0, "basis"); pos.Line <= lean[i].fm.line {
			t.Errorf("%s: purposes[0].basis at %v, on or above the block's first line %d", p.Notice.File, pos, lean[i].fm.line)
		}
	}
}

// A file edited while a lean load's site is being built gives neither a
// body that is not the one whose hash is its version, nor positions in
// text that is not the text the notice was decoded from.
func TestLeanLoadRefusesAFileChangedSinceItWasRead(t *testing.T) {
	dir, cfg := leanSite(t)
	lean, err := LoadAllLean(os.DirFS(dir), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var n *notice.Notice
	for _, p := range lean {
		if p.Notice.ID == "yaml" {
			n = p.Notice
		}
	}
	file := filepath.Join(dir, "content", "yaml.en.md")
	src, _ := os.ReadFile(file)
	edited := strings.Replace(string(src), "\n---\ntitle", "\n\n\n---\ntitle", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Text(); err == nil || !strings.Contains(err.Error(), "content/yaml.en.md: changed while") {
		t.Errorf("body of a changed file: err = %v, want a changed-while-building error", err)
	}
	if pos := n.Pos("purposes", 0, "basis"); pos.Line != 3 || pos.Col != 1 {
		t.Errorf("purposes[0].basis of a changed file at %v, want the block's first line as it was read, 3:1", pos)
	}
}

// A lean load keeps what each notice says, not the file it was read from,
// and one copy of the text notices repeat. Measured on the synthetic
// notices: 7.1 KB a page holding a copy of each front matter for error
// positions, 5.3 KB without, 4.2 KB sharing repeated text.
func TestLeanLoadHoldsNoFileBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads 400 notice files")
	}
	dir := t.TempDir()
	const notices = 200
	if err := synth.Generate(dir, notices); err != nil {
		t.Fatal(err)
	}
	cfg, err := site.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pages, err := LoadAllLean(os.DirFS(dir), cfg)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perPage := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(len(pages))
	runtime.KeepAlive(pages)
	if perPage > 4800 {
		t.Errorf("a lean load holds %d bytes a page, want at most 4,800", perPage)
	}
	t.Logf("%d bytes a page", perPage)
}

// Notices of one site share one copy of the text they repeat: the same
// controller in two files is one string in memory, and no notice sees
// another's text for a field where the two differ.
func TestLoadSharesRepeatedTextBetweenNotices(t *testing.T) {
	dir, cfg := leanSite(t)
	pages, err := LoadAllLean(os.DirFS(dir), cfg)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*notice.Notice{}
	for _, p := range pages {
		byID[p.Notice.ID] = p.Notice
	}
	yaml, toml := byID["yaml"], byID["toml"]
	if yaml.Controller.Name != "Example Ltd" || toml.Controller.Name != "Example Ltd" {
		t.Fatalf("controller names %q and %q, want Example Ltd twice", yaml.Controller.Name, toml.Controller.Name)
	}
	if unsafe.StringData(yaml.Controller.Name) != unsafe.StringData(toml.Controller.Name) {
		t.Error("the controller's name is held twice")
	}
	if unsafe.StringData(yaml.Data[0].Name) != unsafe.StringData(toml.Data[0].Name) {
		t.Error("the data category's name is held twice")
	}
	if yaml.Title != "Y" || toml.Title != "T" || yaml.Purposes[0].Basis != "contract" || toml.Purposes[0].Basis != "consent" {
		t.Errorf("titles %q, %q and bases %q, %q, want Y, T, contract, consent", yaml.Title, toml.Title, yaml.Purposes[0].Basis, toml.Purposes[0].Basis)
	}
}

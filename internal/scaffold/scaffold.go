// Package scaffold writes the starting points `notis new` makes: a whole
// site whose only lint findings are the placeholders its author must
// replace (meta.placeholder, which also keeps the build from publishing
// it), and a notice with every required field present and explained in
// YAML comments.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/notis-dev/notis/internal/content"
)

//go:embed all:templates
var templates embed.FS

// data fills the templates.
type data struct {
	Site, Name, Lang, Title, Today string
}

var nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,79}$`)

// Site writes a new site into dir, which must not exist or be empty. It
// returns the files written, relative to dir.
func Site(dir string, today time.Time) ([]string, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty; give a new folder", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	id := strings.ToLower(filepath.Base(filepath.Clean(dir)))
	id = regexp.MustCompile(`[^a-z0-9-]+`).ReplaceAllString(id, "-")
	id = strings.Trim(id, "-")
	if id == "" {
		id = "privacy"
	}
	d := data{Site: id, Today: today.Format(time.DateOnly)}
	var written []string
	err := fs.WalkDir(templates, "templates/site", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "templates/site/")
		out, err := fill(p, d)
		if err != nil {
			return err
		}
		rel = strings.TrimSuffix(rel, ".tmpl")
		if err := writeNew(filepath.Join(dir, filepath.FromSlash(rel)), out); err != nil {
			return err
		}
		written = append(written, rel)
		return nil
	})
	return written, err
}

// Notice writes content/NAME.LANG.md in the site folder dir and returns
// its path. It refuses to overwrite a file.
func Notice(dir, name, lang string, today time.Time) (string, error) {
	if !nameRe.MatchString(name) {
		like := "candidates"
		if slug := content.Slug(name); slug != "" {
			like = slug
		}
		return "", fmt.Errorf("notice name %q: want lower-case letters, digits and dashes, like %q (it becomes the page's URL)", name, like)
	}
	title := strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "-", " ") + " privacy notice"
	out, err := fill("templates/notice.md.tmpl", data{Name: name, Lang: lang, Title: title, Today: today.Format(time.DateOnly)})
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "content", name+"."+lang+".md")
	return p, writeNew(p, out)
}

func fill(name string, d data) ([]byte, error) {
	src, err := templates.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if path.Ext(name) != ".tmpl" {
		return src, nil
	}
	t, err := template.New(path.Base(name)).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = t.Execute(&b, d)
	return b.Bytes(), err
}

func writeNew(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists; not overwriting it", p)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

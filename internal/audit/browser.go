package audit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// ErrNoChromium says Chromium was not found; the message names the Debian
// package that provides it.
var ErrNoChromium = errors.New("chromium not found on PATH: install Debian's chromium package (apt-get install chromium) or pass --chrome /path/to/chromium")

// FindChromium returns the Chromium to drive: path when given (it must be
// an executable file), else the first of chromium, chromium-browser on PATH.
func FindChromium(path string) (string, error) {
	if path != "" {
		st, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("--chrome %s: %w", path, err)
		}
		if st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("--chrome %s: not an executable file", path)
		}
		return path, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// browser is one headless Chromium process; each state of each page gets
// its own browser context in it (its own cookies, storage and cache: a
// fresh profile) and its own tab.
type browser struct {
	ctx    context.Context
	cancel func()
}

// launch starts Chromium with a throwaway profile folder. flags are extra
// command-line switches (tests map hosts to 127.0.0.1 with
// host-resolver-rules).
func launch(ctx context.Context, path, profile string, flags map[string]any) (*browser, error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("lang", "en-GB"),
	}
	for k, v := range flags {
		opts = append(opts, chromedp.Flag(k, v))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		cancelAlloc()
		return nil, fmt.Errorf("start chromium (%s): %w", path, err)
	}
	return &browser{ctx: bctx, cancel: func() { cancel(); cancelAlloc() }}, nil
}

func (b *browser) close() { b.cancel() }

// tab opens a tab in a new browser context: a fresh profile for one state.
func (b *browser) tab() (context.Context, func(), error) {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("open a tab: %w", err)
	}
	return ctx, cancel, nil
}

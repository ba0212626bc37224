package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/notis-dev/notis/internal/consent/pgtest"
)

// Peers: other consent servers, measured by the same generator in the
// same run so their figures read as ratios to notis's (issue #16). Each
// lives in peers/, installed from its package-lock.json by
// peers/install.sh.

// peersDir is the peers/ folder beside this file's source.
func peersDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot find the load test's source folder")
	}
	return filepath.Join(filepath.Dir(file), "peers"), nil
}

// c15tConsent is what the c15t banner posts when a visitor chooses: a
// new subject's cookie-banner consent (POST /subjects, its docs'
// endpoints reference), with a fresh client-made subject id.
var c15tConsent = request{"/subjects", "application/json", func() []byte {
	return []byte(`{"type":"cookie_banner","subjectId":"` + c15tSubjectID() + `","domain":"jobs.example.org",` +
		`"preferences":{"necessary":true,"measurement":false,"marketing":true},"givenAt":` + strconv.FormatInt(time.Now().UnixMilli(), 10) + `}`)
}}

const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// c15tSubjectID is "sub_" and 22 random base58 digits (≈ 128 bits), the
// form c15t's schema requires.
func c15tSubjectID() string {
	var b [22]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = base58[int(b[i])%len(base58)]
	}
	return "sub_" + string(b[:])
}

// startC15t installs the peers if needed, starts a PostgreSQL database
// and the c15t backend on it (peers/c15t-server.mjs), and waits for it
// to listen.
func startC15t() (string, request, func(), error) {
	dir, err := peersDir()
	if err != nil {
		return "", c15tConsent, nil, err
	}
	install := exec.Command("sh", filepath.Join(dir, "install.sh"))
	install.Stdout, install.Stderr = os.Stderr, os.Stderr
	if err := install.Run(); err != nil {
		return "", c15tConsent, nil, fmt.Errorf("c15t: installing the peers with npm: %w", err)
	}
	pg, err := pgtest.Start()
	if err != nil {
		return "", c15tConsent, nil, err
	}
	dsn, err := pg.NewDatabase(context.Background())
	if err != nil {
		pg.Stop()
		return "", c15tConsent, nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		pg.Stop()
		return "", c15tConsent, nil, fmt.Errorf("c15t: %w", err)
	}
	cmd := exec.Command(node, "c15t-server.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "NODE_ENV=production")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		pg.Stop()
		return "", c15tConsent, nil, fmt.Errorf("c15t: %w", err)
	}
	stop := func() {
		// What it stored, to set beside what it answered.
		if conn, err := pgx.Connect(context.Background(), dsn); err == nil {
			var consents, subjects int64
			err := conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM consent), (SELECT count(*) FROM subject)`).Scan(&consents, &subjects)
			if err == nil {
				fmt.Printf("c15t        stored %d consent rows for %d subjects in PostgreSQL\n", consents, subjects)
			}
			conn.Close(context.Background())
		}
		cmd.Process.Kill() // our own child, by its pid
		cmd.Wait()
		pg.Stop()
	}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				port <- p
			}
		}
		close(port)
	}()
	select {
	case p, ok := <-port:
		if !ok {
			stop()
			return "", c15tConsent, nil, errors.New("c15t: the backend exited before it listened (its error is above)")
		}
		return "127.0.0.1:" + p, c15tConsent, stop, nil
	case <-time.After(2 * time.Minute):
		stop()
		return "", c15tConsent, nil, errors.New("c15t: the backend did not listen within 2 minutes")
	}
}

// Package pgtest starts a throwaway PostgreSQL server on 127.0.0.1 in a
// temporary folder, for tests and benchmarks that need the real thing rather
// than a mock. It uses the server binaries of Debian's postgresql package
// (/usr/lib/postgresql/*/bin, installed by scripts/test-deps.sh).
//
// PostgreSQL refuses to run as root; when the caller is root, the server
// runs as the postgres OS user that the package creates.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/notis-dev/notis/internal/testenv"
)

// Server is a running PostgreSQL.
type Server struct {
	dir  string // temp folder: data/, the socket, the log
	bin  string
	port int
	cred *syscall.Credential // nil when not root
	dbs  atomic.Int64
}

// BinDir finds the folder holding initdb and pg_ctl, preferring the
// newest Debian install.
func BinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server binaries (pg_ctl) in /usr/lib/postgresql/*/bin or PATH; run scripts/test-deps.sh (apt-get install postgresql)")
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start initialises a cluster in a new temporary folder and starts it on a
// free port of 127.0.0.1. Stop removes it.
func Start() (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	base := ""
	if os.Geteuid() == 0 {
		// The server runs as the postgres user, which must be able to reach
		// the folder; $TMPDIR may be private to root, /tmp never is.
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "notis-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s := &Server{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: running as root needs the postgres OS user (from the postgresql package): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: %w", err)
		}
	}
	if err := s.run("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A port picked by the kernel can be taken again before postgres binds
	// it; try a few.
	for attempt := 0; ; attempt++ {
		s.port, err = freePort()
		if err == nil {
			err = s.run("pg_ctl", "start", "-w", "-t", "60", "-D", s.data(), "-l", filepath.Join(dir, "postgres.log"),
				"-o", fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=64MB", s.port, dir))
		}
		if err == nil {
			return s, nil
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("%w\npostgres.log:\n%s", err, log)
		}
	}
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

func (s *Server) run(tool string, args ...string) error {
	cmd := exec.Command(filepath.Join(s.bin, tool), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "HOME="+s.dir, "LC_ALL=C")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: %s %v: %w\n%s", tool, args, err, out)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// DSN is the URL of database db on this server.
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// NewDatabase creates an empty database and returns its URL, so each test
// starts from a clean schema.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("notis_%d", s.dbs.Add(1))
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return s.DSN(name), nil
}

// Stop shuts the server down and deletes its folder.
func (s *Server) Stop() error {
	err := s.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", s.data())
	if rerr := os.RemoveAll(s.dir); err == nil {
		err = rerr
	}
	return err
}

// Lazy starts one server for a whole test binary, on first use, so
// packages whose selected tests need no PostgreSQL never start one. Call
// Stop from TestMain after m.Run.
type Lazy struct {
	once sync.Once
	srv  *Server
	err  error
}

// Database returns the URL of a fresh database, starting the server if
// needed. Without PostgreSQL the test is skipped, or fails under CI=true.
func (l *Lazy) Database(t testing.TB) string {
	t.Helper()
	l.once.Do(func() { l.srv, l.err = Start() })
	if l.err != nil {
		testenv.Missing(t, l.err.Error())
	}
	dsn, err := l.srv.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// Stop stops the server if one was started.
func (l *Lazy) Stop() {
	if l.srv != nil {
		if err := l.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
}

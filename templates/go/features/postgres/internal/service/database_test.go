package service

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// testDatabase opens a pool on the PostgreSQL named by DATABASE_URL (CI
// starts one) and migrates it, as the service does at start-up; the pool
// closes when the test ends.
func testDatabase(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return openTestDatabase(t, testDatabaseURL(t))
}

func testDatabaseURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		t.Fatal("DATABASE_URL is not set: the tests need a PostgreSQL, e.g. DATABASE_URL=postgres://postgres@localhost:5432/postgres go test ./... (README.md)")
	}
	return url
}

func openTestDatabase(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	cfg := testConfig()
	cfg.DatabaseURL, cfg.DatabasePoolMax = url, 4
	db, err := openDatabase(context.Background(), cfg, NewLogger(io.Discard, slog.LevelInfo, "test"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// inSchema returns url with a fresh, empty schema as its search path, so a
// test can migrate from nothing; the schema is dropped when the test ends.
func inSchema(t *testing.T, url string) string {
	t.Helper()
	db := testDatabase(t)
	schema := "test_" + strings.ReplaceAll(newID(), "-", "")
	if _, err := db.Exec(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	separator := "?"
	if strings.Contains(url, "?") {
		separator = "&"
	}
	return url + separator + "search_path=" + schema
}

func TestReplicasStartingTogetherMigrateOnce(t *testing.T) {
	url := inSchema(t, testDatabaseURL(t))
	cfg := testConfig()
	cfg.DatabaseURL, cfg.DatabasePoolMax = url, 2
	errs := make(chan error, 3)
	var wg sync.WaitGroup
	for range cap(errs) {
		wg.Go(func() {
			db, err := openDatabase(context.Background(), cfg, NewLogger(io.Discard, slog.LevelInfo, "test"))
			if err == nil {
				db.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a replica failed to start: %v", err)
		}
	}
	db := openTestDatabase(t, url)
	var applied, versions int
	err := db.QueryRow(context.Background(),
		`SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &versions)
	if err != nil {
		t.Fatal(err)
	}
	files, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(files) || versions != len(files) {
		t.Fatalf("%d migrations recorded (%d versions), want each of the %d files once", applied, versions, len(files))
	}
}

func TestReadinessFollowsTheDatabase(t *testing.T) {
	ts := newTestService(t)
	r := ts.do(t, "GET", "/readyz", "", nil)
	if got := decode[readiness](t, r); r.status != http.StatusOK || got.Status != "ready" || got.Checks["database"] != "ok" {
		t.Fatalf("/readyz = %d %s, want 200 with the database ok", r.status, r.body)
	}

	// A pool whose database never answers (nothing listens on port 1).
	unreachable, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/nothing?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unreachable.Close)
	ts.checks = []readinessCheck{{name: "database", check: databaseReady(unreachable)}}
	started := time.Now()
	r = ts.do(t, "GET", "/readyz", "", nil)
	got := decode[readiness](t, r)
	if r.status != http.StatusServiceUnavailable || got.Status != "not_ready" || got.Checks["database"] != "failed" {
		t.Fatalf("/readyz without a database = %d %s, want 503 with the database failed", r.status, r.body)
	}
	if waited := time.Since(started); waited > readinessTimeout+time.Second {
		t.Fatalf("/readyz took %s without a database", waited)
	}
	if r := ts.do(t, "GET", "/healthz", "", nil); r.status != http.StatusOK {
		t.Fatalf("/healthz without a database = %d, want 200 (liveness ignores it)", r.status)
	}
}

func TestServeRefusesToListenWithoutItsDatabase(t *testing.T) {
	var stdout, stderr strings.Builder
	code := serve(Info{Name: "svc", DefaultPort: 0}, env(map[string]string{
		"HOST": "127.0.0.1", "DATABASE_URL": "postgres://svc:hunter2@127.0.0.1:1/svc",
	}), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if !strings.Contains(stdout.String(), `"msg":"database unavailable"`) || strings.Contains(stdout.String(), `"msg":"listening"`) {
		t.Fatalf("want a database error and no listening line, got:\n%s", stdout.String())
	}
	if strings.Contains(stdout.String()+stderr.String(), "hunter2") {
		t.Fatalf("the password was printed:\n%s%s", stdout.String(), stderr.String())
	}
}

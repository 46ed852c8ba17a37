package service

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles is the schema's history, one versioned SQL file per change,
// compiled into the binary so the image needs nothing else.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

const (
	// connectTimeout bounds one attempt to open a connection, so requests
	// fail after a few seconds when the database does not answer instead of
	// waiting for it forever.
	connectTimeout = 5 * time.Second
	// Replicas that start together wait for the one that migrates: the
	// advisory lock is tried every migrationLockRetry seconds, for
	// migrationLockAttempts times (five minutes).
	migrationLockRetry    = 1
	migrationLockAttempts = 300
)

// openDatabase opens the process's connection pool and migrates the schema
// to the latest version. It fails when the database cannot be reached or a
// migration fails: the service must not listen without its schema.
func openDatabase(ctx context.Context, cfg Config, logger *slog.Logger) (*pgxpool.Pool, error) {
	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err) // pgx leaves the password out
	}
	poolCfg.MaxConns = int32(cfg.DatabasePoolMax)
	poolCfg.ConnConfig.ConnectTimeout = connectTimeout
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, fmt.Errorf("creating the connection pool: %w", err)
	}
	if err := migrate(ctx, pool, logger); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// migrate applies the migrations the database has not seen yet, holding a
// PostgreSQL advisory lock (goose's session locker) so that replicas
// starting together migrate once: the others wait, then find nothing to do.
func migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	files, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(migrationLockRetry, migrationLockAttempts))
	if err != nil {
		return err
	}
	// goose speaks database/sql; this *sql.DB borrows the pool's connections.
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, files,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("reading the migrations: %w", err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	for _, r := range results {
		logger.Info("database migrated", "version", r.Source.Version, "file", r.Source.Path, "durationMs", r.Duration.Milliseconds())
	}
	return nil
}

// databaseReady is /readyz's database check: a trivial query answers.
func databaseReady(db *pgxpool.Pool) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := db.Exec(ctx, "SELECT 1")
		return err
	}
}

// isUUID reports whether id is a UUID in the canonical form the service
// hands out (8-4-4-4-12 hexadecimal digits): the only ids a uuid column
// holds that the service could have made.
func isUUID(id string) bool {
	return len(id) == 36 && uuid.Validate(id) == nil
}

// storeTimeout bounds a write to the database that a request started.
const storeTimeout = 10 * time.Second

// detached is the context for a write that must finish once begun: net/http
// cancels r.Context() once it reads the end of the connection, which a
// client that half-closes it after sending its request (valid HTTP/1.1)
// causes too; the write is bounded by storeTimeout instead.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
}

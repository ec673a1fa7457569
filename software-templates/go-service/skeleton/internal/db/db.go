// Package db opens the PostgreSQL pool of ${{ values.name }}.
package db

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open returns a pool for url; connections are made lazily, so a missing database shows in
// readiness rather than stopping the process.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	config, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	return pgxpool.NewWithConfig(ctx, config)
}

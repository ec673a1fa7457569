// Package db opens the PostgreSQL pool of ${{ values.name }}: database/sql with the lib/pq driver.
package db

import (
	"database/sql"
	"time"

	"github.com/lib/pq"
)

// Open parses url (a postgres:// URL or key=value DSN; unset fields follow libpq's PG* variables)
// and returns a pool for it. A malformed url is an error here; connections are made lazily, so a
// database that is down shows in readiness rather than stopping the process.
func Open(url string) (*sql.DB, error) {
	connector, err := pq.NewConnector(url)
	if err != nil {
		return nil, err
	}
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(10)
	pool.SetMaxIdleConns(5)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return pool, nil
}

package db

import (
	"context"
	"net"
	"testing"
	"time"
)

func TestOpenRejectsAMalformedURL(t *testing.T) {
	if _, err := Open("postgres://app@localhost:not-a-port/app"); err == nil {
		t.Fatal("Open accepted a URL with a malformed port")
	}
}

func TestOpenIsLazyAndPingReportsADownDatabase(t *testing.T) {
	// A loopback port that was just free: nothing listens there.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	if err := listener.Close(); err != nil {
		t.Fatal(err)
	}

	pool, err := Open("postgres://app:secret@" + address + "/app?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatalf("Open connected eagerly or rejected a valid URL: %v", err)
	}
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := pool.PingContext(ctx); err == nil {
		t.Fatal("PingContext succeeded with no database listening")
	}
}

// Command server runs ${{ values.name }}: HTTP on HTTP_PORT, gRPC on GRPC_PORT.
package main

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"${{ values.module }}/internal/db"
	"${{ values.module }}/internal/grpcserver"
	"${{ values.module }}/internal/httpapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	pool, err := db.Open(os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatalf("database: %v", err)
	}
	defer pool.Close()

	httpServer := &http.Server{
		Addr:              ":" + env("HTTP_PORT", "${{ values.http_port }}"),
		Handler:           httpapi.NewRouter(pool),
		ReadHeaderTimeout: 5 * time.Second,
	}
	grpcServer := grpcserver.New()
	listener, err := net.Listen("tcp", ":"+env("GRPC_PORT", "${{ values.grpc_port }}"))
	if err != nil {
		log.Fatalf("grpc listen: %v", err)
	}

	go func() {
		if err := grpcServer.Serve(listener); err != nil {
			log.Printf("grpc: %v", err)
		}
	}()
	go func() {
		if err := httpServer.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatalf("http: %v", err)
		}
	}()
	log.Printf("${{ values.name }}: http %s, grpc %s", httpServer.Addr, listener.Addr())

	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = httpServer.Shutdown(shutdown)
	grpcServer.GracefulStop()
}

func env(key, fallback string) string {
	if value := os.Getenv(key); value != "" {
		return value
	}
	return fallback
}

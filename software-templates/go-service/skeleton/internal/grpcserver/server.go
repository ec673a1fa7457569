// Package grpcserver is the gRPC server of ${{ values.name }}, with the standard health service.
package grpcserver

import (
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

// New returns a server that answers grpc.health.v1.Health; register the service's own here.
func New() *grpc.Server {
	server := grpc.NewServer()
	status := health.NewServer()
	status.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(server, status)
	reflection.Register(server)
	return server
}

// Package httpapi is the HTTP API of ${{ values.name }}.
package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// ServiceName is what the health endpoints report.
const ServiceName = "${{ values.name }}"

// Pinger is what readiness checks: the database pool (*sql.DB) satisfies it.
type Pinger interface {
	PingContext(ctx context.Context) error
}

// NewRouter returns the routes: liveness, readiness, then the service's own.
func NewRouter(db Pinger) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	router := gin.New()
	router.Use(gin.Recovery())

	router.GET("/healthz", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok", "service": ServiceName})
	})
	router.GET("/readyz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "detail": "database unavailable"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready", "service": ServiceName})
	})
	return router
}

package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

type fakeDB struct{ err error }

func (f fakeDB) PingContext(context.Context) error { return f.err }

func TestHealthAndReadiness(t *testing.T) {
	cases := []struct {
		name string
		path string
		db   fakeDB
		want int
	}{
		{"liveness answers", "/healthz", fakeDB{}, http.StatusOK},
		{"ready when the database answers", "/readyz", fakeDB{}, http.StatusOK},
		{"not ready when it does not", "/readyz", fakeDB{errors.New("down")}, http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recorder := httptest.NewRecorder()
			NewRouter(tc.db).ServeHTTP(recorder, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if recorder.Code != tc.want {
				t.Fatalf("GET %s = %d, want %d", tc.path, recorder.Code, tc.want)
			}
		})
	}
}

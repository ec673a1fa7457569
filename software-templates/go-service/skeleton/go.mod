module ${{ values.module }}

go ${{ values.go_version }}

require (
	github.com/gin-gonic/gin v1.10.1
	github.com/lib/pq v1.10.9
	google.golang.org/grpc v1.67.3
)

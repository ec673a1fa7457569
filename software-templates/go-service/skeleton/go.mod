module ${{ values.module }}

go ${{ values.go_version }}

require (
	github.com/gin-gonic/gin v1.10.0
	github.com/jackc/pgx/v5 v5.7.1
	google.golang.org/grpc v1.67.1
)

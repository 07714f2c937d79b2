# The attribution explorer in a small image: built with Go, run on distroless.
# docker compose builds it; see docker-compose.yml.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/attribution ./cmd/attribution

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/attribution /usr/local/bin/attribution
EXPOSE 8080
ENV ATTRIBUTION_ADDR=0.0.0.0:8080
ENTRYPOINT ["/usr/local/bin/attribution"]
CMD ["serve"]

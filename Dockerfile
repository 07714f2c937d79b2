# The attribution explorer in a small image: the web explorer built with Node,
# embedded into the Go binary, run on distroless. docker compose builds it.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=frontend /src/frontend/dist/app ./frontend/dist/app
# The version shown by `attribution version`, /healthz and the explorer:
# docker compose build --build-arg VERSION=$(git describe --tags --always --dirty)
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/attribution ./cmd/attribution

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/attribution /usr/local/bin/attribution
EXPOSE 8080
ENV ATTRIBUTION_ADDR=0.0.0.0:8080
ENTRYPOINT ["/usr/local/bin/attribution"]
CMD ["serve"]

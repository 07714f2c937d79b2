import { defineConfig } from "vite";

// The Go binary embeds dist/app; the dev server proxies the API to it.
export default defineConfig({
  base: "/",
  build: { outDir: "dist/app", emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      "/graphql": process.env.ATTRIBUTION_API ?? "http://127.0.0.1:8080",
    },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});

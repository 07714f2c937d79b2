import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The Go binary embeds dist/app; the dev server proxies the API to it.
// Two pages, two entries: the explorer (index.html) and GraphiQL
// (graphiql.html, served at /graphiql), so the explorer never loads GraphiQL.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist/app",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL("index.html", import.meta.url)),
        graphiql: fileURLToPath(new URL("graphiql.html", import.meta.url)),
      },
      // GraphiQL's React dependencies start with "use client"; harmless here.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  server: {
    proxy: {
      "/graphql": process.env.ATTRIBUTION_API ?? "http://127.0.0.1:8080",
    },
  },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});

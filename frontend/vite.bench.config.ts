import { defineConfig } from "vite";

// Builds bench/index.html for e2e/renderers.mjs; not part of the explorer.
export default defineConfig({
  root: "bench",
  base: "./",
  build: { outDir: "../bench-dist", emptyOutDir: true, chunkSizeWarningLimit: 3000 },
});

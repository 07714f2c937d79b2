// ESLint for the explorer: typescript-eslint's type-checked rules on the
// explorer's sources (src/, type-checked by tsconfig.json), its syntactic rules
// on the other TypeScript (the renderer benchmark, Vite's configs), and
// ESLint's recommended rules on the end-to-end scripts. npm run lint runs
// tsc --noEmit, then this.
//
// TypeScript stays on 6: typescript-eslint needs TypeScript's JavaScript API,
// which TypeScript 7 (the native compiler) does not have. Move to 7 when
// typescript-eslint supports it.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores(["dist/", "bench-dist/"]),
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ["bench/**/*.ts", "*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // Node scripts whose page.evaluate callbacks run in the browser.
    files: ["e2e/**/*.mjs", "bench/**/*.{js,mjs}", "*.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
]);

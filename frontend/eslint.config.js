// ESLint for the explorer: typescript-eslint's type-checked rules on the
// explorer's sources (src/, type-checked by tsconfig.json), its syntactic rules
// on the other TypeScript (the renderer benchmark, Vite's configs), and
// ESLint's recommended rules on the end-to-end scripts. npm run lint runs
// tsc --noEmit, then this.
//
// No HTML strings in src/: every name comes from a source or a public dataset,
// so the DOM is built with h() (src/h.ts) and text nodes. innerHTML, outerHTML,
// insertAdjacentHTML, document.write and srcdoc are refused, but for a constant
// (a literal string, as in a test fixture).
//
// TypeScript stays on 6: typescript-eslint needs TypeScript's JavaScript API,
// which TypeScript 7 (the native compiler) does not have. Move to 7 when
// typescript-eslint supports it.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const sink = "/^(innerHTML|outerHTML|srcdoc)$/";
const message = "Build DOM with h() or textContent (src/h.ts): names are untrusted input.";
const htmlSinks = [
  // el.innerHTML = x, el.innerHTML += x, unless x is a literal
  { selector: `AssignmentExpression[left.property.name=${sink}]:not([right.type='Literal'])`, message },
  { selector: `AssignmentExpression[left.property.value=${sink}]:not([right.type='Literal'])`, message },
  // el.insertAdjacentHTML(pos, x), unless x is a literal
  { selector: "CallExpression[callee.property.name='insertAdjacentHTML']:not(:has(Literal.arguments:nth-child(2)))", message },
  // Object.assign(el, { innerHTML: x }), h("div", { innerHTML: x }) and the like
  { selector: `Property[key.name=${sink}]:not([value.type='Literal'])`, message },
  // createContextualFragment(x), DOMParser().parseFromString(x)
  { selector: "CallExpression[callee.property.name=/^(createContextualFragment|parseFromString)$/]", message },
];

export default defineConfig([
  globalIgnores(["dist/", "bench-dist/", "bench/charts/dist/"]),
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "no-restricted-syntax": ["error", ...htmlSinks],
      "no-restricted-properties": ["error",
        { object: "document", property: "write", message: "Build DOM with h() (src/h.ts), not HTML." },
        { object: "document", property: "writeln", message: "Build DOM with h() (src/h.ts), not HTML." }],
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

// Belt and braces beside ESLint's rule (eslint.config.js): no source of the
// explorer writes HTML. Names come from public datasets: untrusted input.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>(["./*.ts", "./*.tsx", "!./*.test.ts"], { query: "?raw", import: "default", eager: true });

describe("no HTML strings in src/", () => {
  it("reads the sources", () => {
    expect(Object.keys(sources)).toContain("./panels.ts");
  });
  it.each(Object.entries(sources))("%s", (_file, code) => {
    expect(code).not.toMatch(/\.(innerHTML|outerHTML)\s*\+?=\s*[^"'`\s]/);
    expect(code).not.toMatch(/insertAdjacentHTML\(|document\.write|createContextualFragment|dangerouslySetInnerHTML/);
  });
});

import { describe, expect, it } from "vitest";
import { browserLang, messages } from "./i18n";

describe("i18n", () => {
  it("picks the browser's first known language", () => {
    expect(browserLang(["fr-CA", "en"])).toBe("fr");
    expect(browserLang(["de", "en-GB"])).toBe("en");
    expect(browserLang([])).toBe("en");
  });

  it("translates every message", () => {
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(messages.fr)).toEqual(keys(messages.en));
    expect(keys(messages.fr.kind)).toEqual(keys(messages.en.kind));
    for (const [k, v] of Object.entries(messages.fr)) {
      if (typeof v === "string" && !["sources", "relations", "legend"].includes(k.toLowerCase())) {
        expect.soft(v, k).not.toBe((messages.en as Record<string, unknown>)[k]);
      }
    }
  });
});

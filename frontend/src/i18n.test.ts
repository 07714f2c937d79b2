import { describe, expect, it } from "vitest";
import { browserLang, codeLabel, formatDate, formatSpan, formatTick, messages, relTypeLabel } from "./i18n";

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
    for (const part of ["relType", "code", "field", "groups", "labelDensities", "direction"] as const) {
      expect(keys(messages.fr[part]), part).toEqual(keys(messages.en[part]));
    }
    for (const [k, v] of Object.entries(messages.fr)) {
      if (typeof v === "string" && !["sources", "relations", "legend", "groupname", "groupmore", "coldates"].includes(k.toLowerCase())) {
        expect.soft(v, k).not.toBe((messages.en as Record<string, unknown>)[k]);
      }
    }
  });

  it("says relation types and codes in words, in each language", () => {
    expect(relTypeLabel(messages.en, "MEMBER_OF")).toBe("member of");
    expect(relTypeLabel(messages.fr, "TARGETED")).toBe("a ciblé");
    expect(relTypeLabel(messages.fr, "NEW_TYPE")).toBe("new type");
    expect(codeLabel(messages.fr, "LEGAL_ACTION")).toBe("action en justice");
    expect(codeLabel(messages.en, "SOMETHING_ELSE")).toBe("something else");
  });

  it("writes dates at their precision with the language's month names", () => {
    expect(formatDate("2021", "fr")).toBe("2021");
    expect(formatDate("2021-07", "en")).toBe("July 2021");
    expect(formatDate("2021-07", "fr")).toBe("juillet 2021");
    expect(formatDate("2021-07-19", "en")).toBe("19 July 2021");
    expect(formatDate("2021-07-01", "fr")).toBe("1 juillet 2021");
    expect(formatDate("not a date", "fr")).toBe("not a date");
    expect(formatSpan("2011", "2018-03", "fr")).toBe("2011 – mars 2018");
    expect(formatTick(new Date(Date.UTC(2021, 6, 1)), "month", "fr")).toMatch(/^juil/);
  });
});

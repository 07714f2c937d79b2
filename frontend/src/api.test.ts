import { afterEach, describe, expect, it, vi } from "vitest";
import { serverVersion } from "./api";

describe("serverVersion", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const answer = (status: number, body: string) =>
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(body, { status, headers: { "Content-Type": "application/json" } }))));

  it("reads the version /healthz reports", async () => {
    answer(200, JSON.stringify({ status: "ok", version: "v1.2.3" }));
    expect(await serverVersion()).toBe("v1.2.3");
    expect(vi.mocked(fetch).mock.calls[0][0]).toBe("/healthz");
  });

  it("is null, not an error, when there is no version to show", async () => {
    for (const [status, body] of [[200, JSON.stringify({ status: "ok" })], [200, JSON.stringify({ status: "ok", version: "" })],
      [200, JSON.stringify({ version: 3 })], [200, "not json"], [503, JSON.stringify({ version: "v1" })]] as const) {
      answer(status, body);
      expect(await serverVersion()).toBeNull();
    }
    vi.stubGlobal("fetch", vi.fn(() => Promise.reject(new TypeError("Failed to fetch"))));
    expect(await serverVersion()).toBeNull();
  });
});

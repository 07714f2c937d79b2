import { describe, expect, it } from "vitest";
import { rankHits, type Hit } from "./search";

const hit = (id: string, kind: Hit["entity"]["kind"], score: number): Hit => ({ matched: id, score, entity: { id, name: id, kind } });

describe("rankHits", () => {
  it("finds the actor whose alias a typo names, before the campaigns that mention it", () => {
    const campaigns = Array.from({ length: 10 }, (_, i) => hit(`campaign-${i}`, "CAMPAIGN", 0.5));
    const got = rankHits(campaigns, [hit("apt40", "THREAT_ACTOR", 0.475)]);
    expect(got).toHaveLength(10);
    expect(got[0].entity.id).toBe("apt40");
  });
  it("keeps a stronger match first, and each entity once", () => {
    const got = rankHits([hit("apt31", "THREAT_ACTOR", 1), hit("apt31-campaign", "CAMPAIGN", 0.9)], [hit("apt31", "THREAT_ACTOR", 1), hit("x", "PERSON", 0.5)]);
    expect(got.map((h) => h.entity.id)).toEqual(["apt31", "apt31-campaign", "x"]);
  });
});

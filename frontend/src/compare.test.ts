import { describe, expect, it } from "vitest";
import { compareActors, compareCSV, navigatorLayer, type CompareEntity } from "./compare";

const tech = (id: string, attack: string) => ({ id, name: id, kind: "TECHNIQUE" as const, attributes: [{ key: "mitre_attack_id", value: attack }] });
const actor = (id: string, techniques: ReturnType<typeof tech>[], victims: string[]): CompareEntity => ({
  id, name: id.toUpperCase(), kind: "THREAT_ACTOR",
  relations: [
    ...techniques.map((t) => ({ type: "USES", from: { id, name: id, kind: "THREAT_ACTOR" as const }, to: t })),
    { type: "ACCUSES", from: { id: `${id}-e`, name: `accusation of ${id}`, kind: "EVENT", start: "2021-07-19" }, to: { id, name: id, kind: "THREAT_ACTOR" } },
  ],
  campaigns: [{ to: { id: `${id}-c`, relations: victims.map((v) => ({ to: { id: v, name: v, kind: "COUNTRY" as const } })) } }],
});

describe("compareActors", () => {
  const c = compareActors([actor("apt40", [tech("t1", "T1059"), tech("t2", "T1566")], ["norway", "france"]), actor("apt31", [tech("t2", "T1566")], ["france"])]);
  it("lines the actors up, shared rows first", () => {
    expect(c.techniques.map((r) => [r.id, r.by])).toEqual([["t2", [true, true]], ["t1", [true, false]]]);
    expect(c.victims.map((r) => r.id)).toEqual(["france", "norway"]);
    expect(c.accusers.map((r) => r.note)).toEqual(["2021-07-19", "2021-07-19"]);
  });
  it("exports CSV and an ATT&CK Navigator layer scored by who uses each technique", () => {
    expect(compareCSV(c).split("\n")[1]).toBe("technique,t2,t2,TECHNIQUE,T1566,yes,yes");
    const layer = JSON.parse(navigatorLayer(c)) as { domain: string; techniques: { techniqueID: string; score: number }[] };
    expect(layer.domain).toBe("enterprise-attack");
    expect(layer.techniques).toEqual([expect.objectContaining({ techniqueID: "T1566", score: 3 }), expect.objectContaining({ techniqueID: "T1059", score: 1 })]);
  });
});

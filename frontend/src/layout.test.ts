import { describe, expect, it } from "vitest";
import { hash, layout, seedPosition } from "./layout";

describe("layout", () => {
  const nodes = ["apt40", "apt31", "hafnium", "china", "mss", "norway", "lonely"];
  const edges: [string, string][] = [["apt40", "mss"], ["apt31", "mss"], ["hafnium", "china"], ["mss", "china"], ["apt40", "norway"]];

  it("seeds each node from its id alone", () => {
    expect(hash("apt40")).toBe(hash("apt40"));
    expect(hash("apt40")).not.toBe(hash("apt41"));
    expect(seedPosition("apt40", 10)).toEqual(seedPosition("apt40", 10));
  });

  it("gives the same picture for the same graph, whatever the order it came in", () => {
    const a = layout({ nodes, edges });
    const b = layout({ nodes: [...nodes].reverse(), edges: [...edges].reverse() });
    expect(b).toEqual(a);
    expect(Object.keys(a).sort()).toEqual([...nodes].sort());
    for (const p of Object.values(a)) expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
  });

  it("keeps joined nodes closer than strangers", () => {
    const p = layout({ nodes, edges });
    const d = (x: string, y: string) => Math.hypot(p[x].x - p[y].x, p[x].y - p[y].y);
    expect(d("apt40", "mss")).toBeLessThan(d("apt40", "hafnium"));
  });
});

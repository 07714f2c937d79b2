// Shared by every page: the fixed data, the world geometry, chart sizes and the timing marks.
import data from "../data.json";
import world from "world-atlas/countries-110m.json"; // aliased to an empty topology for the "without geometry" build

export { data, world };
export const size = { bars: [800, 400], matrix: [720, 720], map: [900, 470] };

// The 25 x 25 matrix as {row, col, value} cells.
export const cells = data.matrix.flatMap((row, r) =>
  row.map((value, c) => ({ row: data.matrixLabels[r], col: data.matrixLabels[c], value })),
);
export const maxCell = Math.max(...cells.map((d) => d.value));

// Called once the three charts are in the DOM: marks the time, then again after the next frame.
export function done() {
  const drawn = performance.now();
  requestAnimationFrame(() => {
    const frame = performance.now();
    window.__result = { t0: window.__t0, entry: window.__entry, drawn, frame };
  });
}

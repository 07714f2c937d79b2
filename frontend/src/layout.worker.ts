// Runs layout() off the page's thread: one message in (an id and the graph),
// one message out (the id and the positions).
import { layout, type LayoutInput } from "./layout";

self.onmessage = (e: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const { id, input } = e.data;
  self.postMessage({ id, positions: layout(input) });
};

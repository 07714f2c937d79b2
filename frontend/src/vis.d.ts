// vis-timeline's standalone build exports the DataSet it bundles, but its type
// declarations leave it out; they are vis-data's. (A re-export, `export { DataSet }
// from "vis-data/peer"`, is not merged into an augmented module: it typed DataSet
// as any. An import alias is.)
import * as visData from "vis-data/peer";

declare module "vis-timeline/standalone" {
  export import DataSet = visData.DataSet;
}

// vis-timeline's standalone build exports the DataSet it bundles, but its type
// declarations leave it out; they are vis-data's.
import "vis-timeline/standalone";

declare module "vis-timeline/standalone" {
  export { DataSet } from "vis-data/peer";
}

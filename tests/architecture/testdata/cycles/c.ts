export { d } from "./d.ts";

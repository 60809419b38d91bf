import "./c.ts";
export const e = 1;
const lazy = () => import("./f.ts");
export { lazy };

/** The data-layer functions lib/control uses, in one place (lib/data/run-store is their index). */
export * from "../data/run-store";
export { createDb, type Db } from "../data/db";

/** `npm run migrate`: creates the database if missing, applies the SQL migrations, and exits. */
import { getConfig } from "../config/env";
import { prepareDatabase } from "./prepare";

const config = getConfig();
await prepareDatabase(config.DATABASE_URL);
process.exit(0);

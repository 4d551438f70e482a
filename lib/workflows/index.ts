/**
 * The workflows this deployment runs: one definition per file, listed here. The worker
 * registers every entry; add a new file and list it to ship a workflow (or a new version).
 */
import freightQuote from "./freight-quote";
import researchAgent from "./research-agent";
import supportTriage from "./support-triage";

export const workflows = [freightQuote, researchAgent, supportTriage];

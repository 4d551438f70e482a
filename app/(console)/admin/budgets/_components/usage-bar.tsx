// Moved to app/_ui/usage-bar.tsx (the cost dashboard shares it); this path keeps working.
export { UsageBar } from "../../../../_ui/usage-bar";

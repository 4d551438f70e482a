/**
 * "$0.15", "$2.50", "$0.075": a list price per million tokens, exact to the stored 6 decimals
 * (formatUsd rounds to cents above $0.01, which would show $0.075 as $0.08).
 */
export function formatPerMTok(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const fixed = value.toFixed(6).replace(/0+$/, "");
  const [whole, fraction = ""] = fixed.split(".");
  return `$${whole}.${fraction.padEnd(2, "0")}`;
}

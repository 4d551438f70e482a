/**
 * A budget's current-period spend against its limits: a bar (the larger share) and the numbers.
 * Shared by Admin › Budgets and the cost dashboard.
 */
import type { BudgetPeriodUsage } from "../../lib/data/budget-policy-store";
import { formatCount, formatPercent, formatUsd } from "./format";
import styles from "./usage-bar.module.css";

export function UsageBar({ usage }: { usage: BudgetPeriodUsage }) {
  const used = usage.usedFraction ?? 0;
  const tone = used >= 1 ? styles.fillBad : used >= 0.8 ? styles.fillWarn : "";
  const parts = [
    usage.limitUsd !== null ? `${formatUsd(usage.spentUsd)} of ${formatUsd(usage.limitUsd)}` : null,
    usage.limitTokens !== null ? `${formatCount(usage.spentTokens)} of ${formatCount(usage.limitTokens)} tokens` : null,
  ].filter(Boolean);
  return (
    <div className={styles.usage}>
      <div
        className={styles.bar}
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(Math.min(used, 1) * 100)}
        aria-label={`${formatPercent(used)} used`}
      >
        <div className={`${styles.fill} ${tone}`} style={{ width: `${Math.min(used, 1) * 100}%` }} />
      </div>
      <span className="num">
        {formatPercent(used)} <span className="muted">· {parts.join(" · ")}</span>
      </span>
    </div>
  );
}

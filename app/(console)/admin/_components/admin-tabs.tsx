/** The Admin section's tabs: users and keys, budgets, prices. Server-rendered links; `current` is the page. */
import Link from "next/link";
import styles from "./admin-tabs.module.css";

const TABS = [
  { href: "/admin", label: "Users & keys" },
  { href: "/admin/budgets", label: "Budgets" },
  { href: "/admin/prices", label: "Prices" },
] as const;

export function AdminTabs({ current }: { current: (typeof TABS)[number]["href"] }) {
  return (
    <nav aria-label="Admin sections" className={styles.tabs}>
      {TABS.map((tab) => (
        <Link key={tab.href} href={tab.href} className={styles.tab} aria-current={tab.href === current ? "page" : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}

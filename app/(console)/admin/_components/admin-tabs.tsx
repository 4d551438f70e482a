/**
 * The Admin section's frame: tabs (users and keys, budgets, prices) and, for the pages viewers may
 * read, the page header with live refresh and a note that changing things needs the admin role.
 */
import Link from "next/link";
import type { Actor } from "../../../../lib/control/types";
import { AutoRefresh } from "../../../_ui/auto-refresh";
import { PageHeader } from "../../../_ui/page-header";
import styles from "./admin-tabs.module.css";

const TABS = [
  { href: "/admin", label: "Users & keys" },
  { href: "/admin/budgets", label: "Budgets" },
  { href: "/admin/prices", label: "Prices" },
] as const;

type AdminHref = (typeof TABS)[number]["href"];

export function AdminTabs({ current }: { current: AdminHref }) {
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

/** An Admin page everyone may read: header, tabs, a refresh every `refreshMs`, and the read-only note for non-admins. */
export function AdminReadablePage({ title, description, current, refreshMs, actor, canEdit, changing, children }: {
  title: string;
  description: string;
  current: AdminHref;
  refreshMs: number;
  actor: Actor;
  canEdit: boolean;
  /** What needs the admin role: "Changing budgets" */
  changing: string;
  children: React.ReactNode;
}) {
  return (
    <>
      <AutoRefresh intervalMs={refreshMs} />
      <PageHeader eyebrow="Admin" title={title} description={description} />
      <AdminTabs current={current} />
      <div className="stack">
        {canEdit ? null : (
          <p className="callout callout-warn" role="status">
            {changing} needs the admin role; you are signed in as {actor.label} ({actor.role}).
          </p>
        )}
        {children}
      </div>
    </>
  );
}

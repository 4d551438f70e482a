"use client";
/**
 * The console's left navigation: sections, the live pending-approvals count, and the signed-in
 * user with their role and Sign out.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { pendingCountQuery } from "../../_queries/approvals";
import { AdminIcon, ApprovalsIcon, AuditIcon, OverviewIcon, RunsIcon, SignOutIcon, TracesIcon, WorkflowsIcon } from "../icons";
import styles from "./shell.module.css";
import { CostsIcon } from "../../(console)/costs/_components/costs-icon";

const NAV = [
  { href: "/", label: "Overview", Icon: OverviewIcon },
  { href: "/runs", label: "Runs", Icon: RunsIcon },
  { href: "/traces", label: "Traces", Icon: TracesIcon },
  { href: "/workflows", label: "Workflows", Icon: WorkflowsIcon },
  { href: "/approvals", label: "Approvals", Icon: ApprovalsIcon },
  { href: "/costs", label: "Costs", Icon: CostsIcon },
  { href: "/audit", label: "Audit", Icon: AuditIcon },
  { href: "/admin", label: "Admin", Icon: AdminIcon },
] as const;

/** Poll for the badge; the inbox page polls faster. @defaultValue 5_000 */
const BADGE_POLL_MS = 5_000;

export function Sidebar({ user, initialPendingApprovals }: { user: { label: string; role: string }; initialPendingApprovals: number }) {
  const pathname = usePathname();
  const pending = useQuery({ ...pendingCountQuery(), initialData: initialPendingApprovals, refetchInterval: BADGE_POLL_MS });
  const pendingCount = pending.data;

  return (
    <aside className={styles.sidebar}>
      <Link href="/" className={styles.brand} aria-label="Waymark overview">
        <span className={styles.logo} aria-hidden="true">W</span>
        <span>Waymark</span>
      </Link>
      <nav aria-label="Console" className={styles.nav}>
        <ul>
          {NAV.map(({ href, label, Icon }) => {
            const active = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
            const badge = href === "/approvals" && pendingCount > 0 ? pendingCount : null;
            return (
              <li key={href}>
                <Link href={href} className={styles.navLink} aria-current={active ? "page" : undefined}>
                  <Icon />
                  <span className={styles.navLabel}>{label}</span>
                  {badge !== null ? (
                    <span className={styles.navBadge} aria-label={`${badge} pending`}>
                      {badge > 99 ? "99+" : badge}
                    </span>
                  ) : null}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <UserBox user={user} />
    </aside>
  );
}

function UserBox({ user }: { user: { label: string; role: string } }) {
  const [signingOut, setSigningOut] = useState(false);
  async function signOut() {
    setSigningOut(true);
    await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" }).catch(() => undefined);
    // A full navigation drops every cached query of the old session.
    window.location.assign("/login");
  }
  return (
    <div className={styles.user}>
      <div className={styles.userText}>
        <span className={styles.userLabel} title={user.label}>{user.label}</span>
        <span className={styles.role} data-role={user.role}>{user.role}</span>
      </div>
      <button type="button" className="btn btn-ghost btn-sm" onClick={signOut} disabled={signingOut}>
        <SignOutIcon size={14} />
        {signingOut ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}

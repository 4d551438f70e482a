/**
 * The console shell: sidebar + main. Signed-out visitors are sent to /login here, but every page
 * and action still checks the role it needs itself (a layout does not re-run on client navigation).
 */
import { getDb } from "../../lib/control";
import { requireActor } from "../../lib/auth/current-actor";
import { countPendingApprovals } from "../../lib/data/console-queries";
import { Sidebar } from "../_ui/shell/sidebar";
import styles from "../_ui/shell/shell.module.css";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor("viewer");
  const pendingApprovals = await countPendingApprovals(await getDb());
  return (
    <div className={styles.shell}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Sidebar user={{ label: actor.label, role: actor.role }} initialPendingApprovals={pendingApprovals} />
      <main id="main" className={styles.main} tabIndex={-1}>
        <div className={styles.content}>{children}</div>
      </main>
    </div>
  );
}

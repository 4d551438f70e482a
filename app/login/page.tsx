import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentActor } from "../../lib/auth/current-actor";
import { safeNextPath } from "../../lib/auth/cookie";
import { LoginForm } from "./login-form";
import styles from "./login.module.css";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  if (await getCurrentActor()) redirect(next);
  return (
    <main className={styles.page}>
      <div className={styles.panel}>
        <div className={styles.brand}>
          <span className={styles.logo} aria-hidden="true">W</span>
          <span>Waymark</span>
        </div>
        <h1 className={styles.title}>Sign in to the console</h1>
        <p className="muted">Runs, timelines and approvals for your agent workflows.</p>
        <LoginForm next={next} />
      </div>
    </main>
  );
}

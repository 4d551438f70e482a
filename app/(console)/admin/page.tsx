/** Admin: console users and API keys. Only admins see it; everyone else gets a clear explanation. */
import type { Metadata } from "next";
import { adminListApiKeys, adminListUsers } from "../../../lib/auth/admin";
import { hasRole, requireActor } from "../../../lib/auth/current-actor";
import { getControl, getDb } from "../../../lib/control";
import { listWebhookSecrets } from "../../../lib/security/webhook-secrets";
import { PageHeader } from "../../_ui/page-header";
import { AdminTabs } from "./_components/admin-tabs";
import { ApiKeysPanel } from "./_components/api-keys-panel";
import { UsersPanel } from "./_components/users-panel";
import { WebhooksPanel } from "./_components/webhooks-panel";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const actor = await requireActor("viewer");
  if (!hasRole(actor, "admin")) {
    return (
      <>
        <PageHeader title="Admin" />
        <AdminTabs current="/admin" />
        <p className="callout callout-warn" role="status">
          Managing users and API keys needs the admin role; you are signed in as {actor.label} ({actor.role}). Ask an admin if you need access.
        </p>
      </>
    );
  }
  const db = await getDb();
  const [users, keys, webhooks, workflows] = await Promise.all([
    adminListUsers(db, actor),
    adminListApiKeys(db, actor),
    listWebhookSecrets(db, actor),
    (await getControl()).listWorkflows(actor),
  ]);
  return (
    <>
      <PageHeader title="Admin" description="Who can use the console and the API. Every change is written to the audit log." />
      <AdminTabs current="/admin" />
      <div className="stack">
        <UsersPanel users={users} currentUserId={actor.kind === "user" ? actor.id : null} />
        <ApiKeysPanel keys={keys} />
        <WebhooksPanel webhooks={webhooks} workflows={[...new Set(workflows.map((w) => w.name))]} />
      </div>
    </>
  );
}

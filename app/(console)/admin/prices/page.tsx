/**
 * Admin › Prices: every model's list price in force, the changes scheduled for later and the
 * history, refreshed every few seconds (a scheduled price becomes current without a reload).
 * Admins add a price from now or a later date; viewers read.
 */
import type { Metadata } from "next";
import { hasRole, requireActor } from "../../../../lib/auth/current-actor";
import { getControl, getDb } from "../../../../lib/control";
import { resolveActorLabels } from "../../../../lib/data/console-queries";
import { AdminReadablePage } from "../_components/admin-tabs";
import { PricesPanel } from "./_components/prices-panel";

export const metadata: Metadata = { title: "Prices" };

export default async function PricesPage() {
  const actor = await requireActor("viewer");
  const table = await (await getControl()).listPrices(actor);
  const rows = table.models.flatMap((model) => [model.current, ...model.scheduled, ...model.history]);
  const labels = await resolveActorLabels(await getDb(), rows.map((row) => row?.createdBy ?? null));
  const isAdmin = hasRole(actor, "admin");
  return (
    <AdminReadablePage
      title="Prices"
      description="List prices per million tokens, with the date each applies from. Every LLM call attempt keeps the price it was charged at, so a change here never rewrites past costs."
      current="/admin/prices"
      refreshMs={10_000}
      actor={actor}
      canEdit={isAdmin}
      changing="Changing prices"
    >
      <PricesPanel table={table} actorLabels={labels} canEdit={isAdmin} />
    </AdminReadablePage>
  );
}

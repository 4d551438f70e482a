/** Bulk replay: every failed run of a version in a time range, each from its failed step, previewed first. */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { hasRole, requireActor } from "../../../../../lib/auth/current-actor";
import { getControl } from "../../../../../lib/control";
import { PageHeader } from "../../../../_ui/page-header";
import { BulkReplayForm } from "./bulk-replay-form";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Bulk replay of ${decodeURIComponent((await params).name)}` };
}

export default async function BulkReplayPage({ params }: Props) {
  const actor = await requireActor("viewer");
  const name = decodeURIComponent((await params).name);
  const workflow = (await (await getControl()).listWorkflows(actor)).find((w) => w.name === name);
  if (!workflow) notFound();
  const workflowHref = `/workflows/${encodeURIComponent(name)}`;
  return (
    <>
      <PageHeader
        eyebrow={<><Link href="/workflows">Workflows</Link> / <Link href={workflowHref}>{name}</Link> /</>}
        title="Bulk replay"
        description="Replay every failed run of a version, in a time range, each from its failed step. Steps before it are reused; the preview shows what runs again."
      />
      <BulkReplayForm
        workflow={name}
        versions={workflow.versions.map((v) => v.version)}
        registeredVersions={workflow.versions.filter((v) => v.registered).map((v) => v.version)}
        canReplay={hasRole(actor, "operator")}
      />
    </>
  );
}

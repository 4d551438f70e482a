/**
 * The data layer's run store, in one import: run lifecycle writes, the journal port, approvals,
 * read models, workflow definitions and the audit log. Each concern lives in its own module.
 */
export { createRun, claimRun, releaseClaim, finishTick, cancelRun, findRunsToWake, saveTraceContext } from "./run-writes";
export type { CreateRunInput, ClaimedRun, WakeScan } from "./run-writes";
export { createJournalWriter, loadJournal } from "./journal-writer";
export type { JournalWriterOptions } from "./journal-writer";
export { decideApproval, listApprovalViews, getApprovalView } from "./approval-store";
export type { DecideApprovalInput, ApprovalFilter } from "./approval-store";
export { getRunView, listRunSummaries, DEFAULT_RUN_PAGE_SIZE, MAX_RUN_PAGE_SIZE } from "./run-queries";
export { upsertWorkflowDefinitions, listWorkflowRows } from "./workflow-store";
export type { WorkflowDefinitionInput, WorkflowRow, WorkflowConflict } from "./workflow-store";
export { appendAudit, listAuditEntries } from "./audit-store";
export type { AuditInput, AuditEntryView } from "./audit-store";
export { createId, createRunId } from "./ids";
export { StaleEpochError } from "./stale-epoch";
export { approvalPayloadHash, canonicalJson } from "./canonical-json";

-- A run's timeline reads the raise an approver made from the audit row of its budget decision
-- (lib/data/run-budget.ts); without this index each lookup scans the whole, ever-growing log.
-- Kept in step with prisma/schema.prisma (lib/data/schema-sync.int.test.ts).
CREATE INDEX "audit_entries_target_action_idx" ON "audit_entries"("target", "action");

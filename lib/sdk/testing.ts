/** Unit-test a workflow in milliseconds: `runWorkflowForTest(workflow, input, { llm, approvals, steps })`. */
export { runWorkflowForTest, InMemoryJournal, fakeClock, noopTracer, silentLogger } from "../engine/testing";
export type { TestRunOptions, TestRunResult, ScriptedLlmReply } from "../engine/testing";

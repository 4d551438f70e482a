/**
 * The resources every use case shares (trigger.dev's "systems" resources object): one database,
 * one queue producer, the workflow registry, a logger. Built once per process.
 */
import type { Logger, WorkflowDefinition } from "../engine/types";
import type { RunTickProducer } from "../queue/run-tick-queue";
import type { Db } from "./data-port";

export interface WorkflowRegistry {
  get(name: string, version: number): WorkflowDefinition | undefined;
  latest(name: string): WorkflowDefinition | undefined;
  list(): WorkflowDefinition[];
  names(): string[];
}

export interface ControlDeps {
  db: Db;
  producer: RunTickProducer;
  registry: WorkflowRegistry;
  log: Logger;
  /** Checks Redis reachability for the health endpoint */
  pingRedis(): Promise<boolean>;
}

/**
 * lib/auth: users, sessions, API keys, sign-in with lockout, the bootstrap admin and audited
 * administration. `current-actor` (Next-only: next/headers) is imported from its own path.
 */
export * from "./admin";
export * from "./api-keys";
export * from "./audit";
export * from "./bootstrap";
export * from "./cookie";
export * from "./db";
export * from "./login-limiter";
export * from "./passwords";
export * from "./roles";
export * from "./sessions";
export * from "./sign-in";
export * from "./users";

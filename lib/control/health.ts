import type { ControlDeps } from "./deps";
import type { HealthReport } from "./types";

export async function checkHealth(deps: ControlDeps): Promise<HealthReport> {
  const [postgres, redis] = await Promise.all([
    deps.db.pool
      .query("SELECT 1")
      .then(() => "up" as const)
      .catch(() => "down" as const),
    deps.pingRedis().then(
      (ok) => (ok ? ("up" as const) : ("down" as const)),
      () => "down" as const,
    ),
  ]);
  return { status: postgres === "up" && redis === "up" ? "ok" : "degraded", postgres, redis };
}

/** Where workers' spans go, and how many never got there (queue full or export failed). */
import type { ExportStatsView } from "../../../../lib/data/span-store";
import { formatCount } from "../../../_ui/format";
import { LocalTime } from "../../../_ui/time";

export function ExportStats({ stats }: { stats: ExportStatsView[] }) {
  return (
    <section className="card" aria-labelledby="export-title" data-testid="export-stats">
      <div className="card-header">
        <h2 id="export-title" className="section-title">Span export</h2>
        <span className="muted">from every worker since it started</span>
      </div>
      {stats.length === 0 ? (
        <p className="card-body muted">No worker has reported yet. Workers report every few seconds while they run.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Exported and dropped spans per destination</caption>
            <thead>
              <tr>
                <th scope="col">Destination</th>
                <th scope="col" className="num">Exported</th>
                <th scope="col" className="num">Dropped</th>
                <th scope="col">Last error</th>
                <th scope="col">Reported</th>
              </tr>
            </thead>
            <tbody>
              {stats.map((s) => (
                <tr key={s.destination} data-destination={s.destination}>
                  <td className="mono">{s.destination}</td>
                  <td className="num">{formatCount(s.exported)}</td>
                  <td className="num" data-testid="dropped">
                    {s.dropped > 0 ? (
                      <span className="badge tone-bad" title={`queue full: ${s.droppedQueueFull}, failed exports: ${s.failedExports}`}>
                        {formatCount(s.dropped)} dropped
                      </span>
                    ) : (
                      "0"
                    )}
                  </td>
                  <td className="muted">{s.lastError ?? "–"}</td>
                  <td className="nowrap muted"><LocalTime iso={s.updatedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

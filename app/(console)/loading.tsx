/** Shown while a console page's server data loads (the shell stays in place). */
export default function Loading() {
  return (
    <div className="stack" aria-busy="true">
      <span className="skeleton" style={{ width: 220, height: 24 }} />
      <span className="skeleton" style={{ width: 420, maxWidth: "100%", height: 14 }} />
      <div className="card card-body" style={{ marginTop: 8 }}>
        <div className="stack-sm" role="status" aria-label="Loading">
          {Array.from({ length: 8 }, (_, i) => (
            <span key={i} className="skeleton" style={{ height: 28, opacity: 1 - i * 0.09 }} />
          ))}
        </div>
      </div>
    </div>
  );
}

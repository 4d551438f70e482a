import Link from "next/link";

/** Any address that matches no page. */
export default function NotFound() {
  return (
    <main style={{ minHeight: "100vh", display: "grid", placeItems: "center", padding: 24 }}>
      <div className="card card-body stack" style={{ maxWidth: 440 }}>
        <h1>Page not found</h1>
        <p className="muted">Nothing lives at this address in the Waymark console.</p>
        <Link href="/" className="btn btn-primary" style={{ alignSelf: "flex-start" }}>Go to the overview</Link>
      </div>
    </main>
  );
}

import Link from "next/link";

export default function ConsoleNotFound() {
  return (
    <div className="stack" style={{ maxWidth: 640 }}>
      <h1>Not found</h1>
      <p className="muted">There is no run, workflow or page at this address. It may have a typo, or the run may belong to another installation.</p>
      <div className="row">
        <Link href="/runs" className="btn btn-primary">Find it in Runs</Link>
        <Link href="/" className="btn">Overview</Link>
      </div>
    </div>
  );
}

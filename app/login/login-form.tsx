"use client";
/** Email + password → POST /api/auth/login (sets the session cookie) → the page the user wanted. */
import { useState } from "react";

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") }),
      });
      if (response.ok) {
        // A full navigation, so the shell renders with the new session from the first byte.
        window.location.assign(next);
        return;
      }
      const body = (await response.json().catch(() => null)) as { message?: string } | null;
      setError(
        body?.message ??
          (response.status === 401
            ? "The email or password is wrong."
            : response.status === 429
              ? "Too many attempts. Wait a minute, then try again."
              : `Sign-in failed (HTTP ${response.status}). Try again.`),
      );
    } catch {
      setError("The console could not be reached. Check your connection and try again.");
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} className="stack" noValidate={false} aria-describedby={error ? "login-error" : undefined}>
      <div className="field">
        <label className="field-label" htmlFor="email">Email</label>
        <input className="input" id="email" name="email" type="email" autoComplete="username" required autoFocus />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="password">Password</label>
        <input className="input" id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      {error ? (
        <p id="login-error" className="callout callout-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

/**
 * GET a JSON API route from the browser with the session cookie. API errors
 * (`{ error, message }`) become an `ApiError` whose message the error states show as-is.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin", cache: "no-store", signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, "network", "The console could not reach the server. Check your connection; it retries on its own.");
  }
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (response.status === 401) {
    throw new ApiError(401, "unauthorized", "Your session has ended. Sign in again to see live data.");
  }
  throw new ApiError(response.status, body?.error ?? "http_error", body?.message ?? `The server answered ${response.status} for ${url}.`);
}

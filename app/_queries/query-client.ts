/**
 * One QueryClient per request on the server, one per tab in the browser (TanStack's
 * nextjs-app-prefetching example). Server pages prefetch into a fresh client and hand the cache
 * to the browser with <HydrationBoundary>, so the first paint already has data.
 */
import { QueryClient, defaultShouldDehydrateQuery, isServer } from "@tanstack/react-query";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Prefetched data is fresh for a moment, so the client does not refetch it on mount.
        staleTime: 5_000,
        retry: (failureCount, error) => !(error instanceof Error && "status" in error && (error as { status: number }).status < 500) && failureCount < 2,
        refetchOnWindowFocus: true,
      },
      dehydrate: {
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { getQueryClient } from "./_queries/query-client";

export function Providers({ children }: { children: React.ReactNode }) {
  // Not useState: with suspense a state-held client could be thrown away on the first render
  // (TanStack's nextjs-app-prefetching example); getQueryClient keeps one per browser tab.
  const queryClient = getQueryClient();
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

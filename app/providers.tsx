"use client";
// Client-side context for every page: react-query. next-auth's SessionProvider
// sits only in the portal's layout (components/portal/session-keeper.tsx): on
// sign-in pages its session fetch would race next-auth's CSRF cookie.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 15_000, retry: 1, refetchOnWindowFocus: false } } }));
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

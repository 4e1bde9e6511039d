"use client";
// Keeps a portal session fresh: refetching /api/auth/session every few minutes
// lets next-auth refresh a buyer's KooGallery access token and re-set the cookie.
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

export function SessionKeeper({ children }: { children: ReactNode }) {
  return (
    <SessionProvider refetchInterval={5 * 60} refetchOnWindowFocus={false}>
      {children}
    </SessionProvider>
  );
}

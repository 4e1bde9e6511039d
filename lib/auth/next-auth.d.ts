// The portal's session and token shapes (next-auth module augmentation).
import type { DefaultSession } from "next-auth";

type PortalSessionUser = {
  kind: "staff" | "buyer";
  name: string;
  /** Staff: owner | operator | viewer. Buyers: admin | user (from their authSync grant). */
  role: string;
  email?: string | null;
  staffId?: string;
  tenantId?: string;
  userName?: string;
  orgCode?: string;
  /** Epoch seconds of the sign-in (lib/auth/session-lifetime.ts). */
  signedInAt?: number;
  /** Staff: StaffUser.sessionVersion at sign-in; a change since signs the session out. */
  sessionVersion?: number;
};

declare module "next-auth" {
  interface Session {
    user: PortalSessionUser & DefaultSession["user"];
    /** Set when KooGallery refused to refresh the buyer's access token: sign in again. */
    error?: "refresh-failed";
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    kind?: "staff" | "buyer";
    role?: string;
    staffId?: string;
    tenantId?: string;
    userName?: string;
    orgCode?: string;
    accessToken?: string;
    refreshToken?: string;
    /** Epoch seconds. */
    accessTokenExpiresAt?: number;
    /** Epoch seconds of the sign-in: the session ends 12 hours later, however often it is read. */
    signedInAt?: number;
    /** Staff: StaffUser.sessionVersion at sign-in. */
    sessionVersion?: number;
    /** session-expired: past its absolute lifetime; what is left of the token names nobody. */
    error?: "refresh-failed" | "session-expired";
  }
}

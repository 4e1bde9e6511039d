// /logout: ends the portal session (next-auth sign-out is a POST with its CSRF token).
import { CenteredCard } from "@/components/ui/card";
import { getViewer } from "@/lib/auth/viewer";
import { SignOutButton } from "./sign-out-button";

export const dynamic = "force-dynamic";

export default async function LogoutPage() {
  const viewer = await getViewer();
  const after = viewer?.kind === "buyer" ? `/signed-out?tenant=${encodeURIComponent(viewer.tenantId)}` : "/signed-out";
  return (
    <CenteredCard title="Sign out">
      <p>{viewer ? `You are signed in as ${viewer.name}.` : "You are not signed in."}</p>
      <SignOutButton callbackUrl={after} />
    </CenteredCard>
  );
}

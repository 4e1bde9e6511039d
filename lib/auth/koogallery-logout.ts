// "Also sign out of KooGallery": the tenant's logout address, back to our login page.
import { getEnv } from "@/lib/env";
import { logoutUrl } from "@/lib/koogallery/sso";
import { findSsoTenant } from "@/lib/auth/sso-tenant";

export async function kooGalleryLogoutUrl(tenantRef: string | undefined): Promise<string | undefined> {
  if (!tenantRef) return undefined;
  const found = await findSsoTenant(tenantRef).catch(() => undefined);
  return found?.ok ? logoutUrl(found.tenant.domainName, `${getEnv().publicUrl}/login`) : undefined;
}

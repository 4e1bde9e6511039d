// POST /api/portal/instances/{id}/actions: staff operators freeze, unfreeze or re-run provisioning ({action, reason?}).
import { z } from "zod";
import { hasStaffRole } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";
import { freezeInstance, rerunProvisioning, unfreezeInstance } from "@/lib/instances/staff-actions";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

const body = z.object({ action: z.enum(["freeze", "unfreeze", "reprovision"]), reason: z.string().max(500).optional() });

const verbs = { freeze: freezeInstance, unfreeze: unfreezeInstance, reprovision: rerunProvisioning } as const;

export const POST = portalRoute<{ instanceId: string }>(async ({ req, viewer, params }) => {
  if (viewer.kind !== "staff" || !hasStaffRole(viewer, "OPERATOR"))
    throw new PortalError("forbidden", "only operators and owners act on instances", { key: "operatorsOnly" });
  const input = await readJsonBody(req, body);
  return verbs[input.action]({ actor: { staffId: viewer.staffId, email: viewer.email }, instanceId: params.instanceId, reason: input.reason });
});

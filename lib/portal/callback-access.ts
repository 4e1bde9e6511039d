// Access rules of the callback log's portal routes: reading follows the
// viewer's scope (lib/callbacks/callback-log-scope.ts); re-running a call
// changes instances and tenants, so it is for operators and owners only.
import type { PortalViewer, StaffViewer } from "@/lib/auth/viewer";
import { hasStaffRole } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireOperator(viewer: PortalViewer): StaffViewer {
  if (viewer.kind !== "staff" || !hasStaffRole(viewer, "OPERATOR"))
    throw new PortalError("forbidden", "re-running callbacks needs the operator role or higher");
  return viewer;
}

/** A log id from the path: a UUID, or a 400. */
export function parseLogId(value: string): string {
  if (!UUID.test(value)) throw new PortalError("bad_request", "logId must be a UUID");
  return value.toLowerCase();
}

/** Who a re-run is recorded as (InstanceEvent.actor, KitContext.actor). */
export function retryActor(staff: StaffViewer): string {
  // The same actor name the instance verbs record (lib/instances/staff-actions.ts).
  return `staff:${staff.email}`;
}

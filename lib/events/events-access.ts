// Who may do what on the events and webhooks pages: every staff member and
// tenant admin reads events (in their scope, lib/events/event-reads.ts);
// operators and owners resend them; staff read the endpoints and owners
// configure them (lib/staff roles). Tenant admins have no part in endpoints:
// they are the merchant's own systems.
import { hasStaffRole, type PortalViewer, type StaffViewer } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";

export function canResendEvents(viewer: PortalViewer): boolean {
  return hasStaffRole(viewer, "OPERATOR");
}

export function requireEventResender(viewer: PortalViewer): StaffViewer {
  if (viewer.kind !== "staff" || !canResendEvents(viewer)) throw new PortalError("forbidden", "resending events needs the operator role or higher");
  return viewer;
}

export function requireWebhooksReader(viewer: PortalViewer): StaffViewer {
  if (viewer.kind !== "staff") throw new PortalError("forbidden", "webhook endpoints are for the merchant's staff");
  return viewer;
}

export function requireWebhooksOwner(viewer: PortalViewer): StaffViewer {
  const staff = requireWebhooksReader(viewer);
  if (!hasStaffRole(staff, "OWNER")) throw new PortalError("forbidden", "only owners configure webhook endpoints", { key: "ownersOnly" });
  return staff;
}

/** An event id from the path (`msg_…`), or a 400. */
export function parseEventId(value: string): string {
  if (!/^msg_[A-Za-z0-9]{1,60}$/.test(value)) throw new PortalError("bad_request", "eventId must be an event id (msg_…)");
  return value;
}

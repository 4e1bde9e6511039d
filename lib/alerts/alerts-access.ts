// Who may do what with alerts: any staff member reads them, owners configure
// channels and rules (lib/staff roles); tenant admins have no part in them.
import { hasStaffRole, type PortalViewer, type StaffViewer } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";

export function requireAlertsReader(viewer: PortalViewer): StaffViewer {
  if (viewer.kind !== "staff") throw new PortalError("forbidden", "alerts are for the merchant's staff");
  return viewer;
}

export function requireAlertsOwner(viewer: PortalViewer): StaffViewer {
  const staff = requireAlertsReader(viewer);
  if (!hasStaffRole(staff, "OWNER")) throw new PortalError("forbidden", "only owners configure alert channels and rules", { key: "ownersOnly" });
  return staff;
}

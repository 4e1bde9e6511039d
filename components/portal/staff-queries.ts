// react-query factories for the staff page: the accounts, and the changes owners make to them.
import { queryOptions } from "@tanstack/react-query";
import { getJson, sendJson, type Serialized } from "@/components/portal/queries";
import type { StaffSummary } from "@/lib/staff/manage-staff";

export type StaffItem = Serialized<StaffSummary>;
export type StaffRoleName = "owner" | "operator" | "viewer";
type WithPassword = StaffItem & { shownOnce?: { password: string } };

export const staffKeys = { all: ["portal", "staff"] as const };

export const staffQueries = {
  list: () => queryOptions({ queryKey: staffKeys.all, queryFn: () => getJson<{ items: StaffItem[] }>("/api/portal/staff") }),
};

export const staffMutations = {
  create: (input: { email: string; name: string; role: StaffRoleName }) => sendJson<WithPassword>("/api/portal/staff", "POST", input),
  change: (email: string, change: { role?: StaffRoleName; isDisabled?: boolean; resetPassword?: true }) =>
    sendJson<WithPassword>("/api/portal/staff", "PATCH", { email, ...change }),
};

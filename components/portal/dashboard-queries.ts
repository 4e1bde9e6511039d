// react-query option factories for the dashboard and the settings page. Both
// refresh every 30 s while the page is open; the server renders the first
// answer (initialData), so the page is never empty on arrival.
import { queryOptions } from "@tanstack/react-query";
import { getJson } from "@/components/portal/queries";
import type { Dashboard } from "@/lib/portal/dashboard";
import type { Settings } from "@/lib/portal/settings";

export const DASHBOARD_REFRESH_MS = 30_000;
const refreshedWhileOpen = { refetchInterval: DASHBOARD_REFRESH_MS, staleTime: DASHBOARD_REFRESH_MS / 2 };

export const dashboardQueries = {
  dashboard: () =>
    queryOptions({
      queryKey: ["portal", "dashboard"],
      queryFn: () => getJson<Dashboard>("/api/portal/dashboard"),
      ...refreshedWhileOpen,
    }),
  settings: () =>
    queryOptions({
      queryKey: ["portal", "settings"],
      queryFn: () => getJson<Settings>("/api/portal/settings"),
      ...refreshedWhileOpen,
    }),
};

// react-query option factories for the alerts pages: the alerts list (keyset
// pages), the channels and the rules. Mutations invalidate these same keys.
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { getJson, keysetPaging, withParams, type Page, type Serialized } from "@/components/portal/queries";
import type { AlertView, ChannelView, RuleView } from "@/lib/alerts/manage-alerts";

export type AlertItem = Serialized<AlertView>;
export type ChannelItem = Serialized<ChannelView>;
export type RuleItem = Serialized<RuleView>;

export const alertQueries = {
  all: () => ["portal", "alerts"] as const,
  alerts: (status?: "open" | "resolved") =>
    infiniteQueryOptions({
      queryKey: ["portal", "alerts", "list", status ?? "all"],
      queryFn: ({ pageParam }) => getJson<Page<AlertItem>>(withParams("/api/portal/alerts", { status, cursor: pageParam })),
      ...keysetPaging,
      refetchInterval: 30_000,
    }),
  channels: () =>
    queryOptions({
      queryKey: ["portal", "alerts", "channels"],
      queryFn: () => getJson<{ items: ChannelItem[] }>("/api/portal/alerts/channels"),
    }),
  rules: () =>
    queryOptions({
      queryKey: ["portal", "alerts", "rules"],
      queryFn: () => getJson<{ items: RuleItem[] }>("/api/portal/alerts/rules"),
    }),
};

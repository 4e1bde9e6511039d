// react-query factories for the events pages: the event list (keyset pages),
// one event with its attempts, and the webhook endpoints with their health;
// mutations invalidate these same keys.
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { getJson, keysetPaging, sendJson, withParams, type Page, type Serialized } from "@/components/portal/queries";
import type { EventDetail, EventSummary } from "@/lib/events/event-reads";
import type { BulkResendResult, ResendResult } from "@/lib/events/resend";
import type { CreatedEndpoint, EndpointView } from "@/lib/events/webhook-endpoints";

export type EventItem = Serialized<EventSummary>;
export type EventDetailJson = Serialized<EventDetail>;
export type EndpointItem = Serialized<EndpointView>;
export type CreatedEndpointJson = Serialized<CreatedEndpoint>;
export type BulkResendJson = Serialized<BulkResendResult>;

/** The list's filter as the page holds it: what the API reads, times as ISO. */
export type EventFilter = { type?: string; status?: string; endpointId?: string; subjectId?: string; from?: string; to?: string; test?: string };

export const eventKeys = {
  all: ["portal", "events"] as const,
  lists: () => [...eventKeys.all, "list"] as const,
  detail: (eventId: string) => [...eventKeys.all, "detail", eventId] as const,
  endpoints: ["portal", "webhooks"] as const,
};

export const eventQueries = {
  list: (filter: EventFilter) =>
    infiniteQueryOptions({
      queryKey: [...eventKeys.lists(), filter],
      queryFn: ({ pageParam }) => getJson<Page<EventItem>>(withParams("/api/portal/events", { ...filter, cursor: pageParam })),
      ...keysetPaging,
      refetchInterval: 15_000,
    }),
  detail: (eventId: string) =>
    queryOptions({
      queryKey: eventKeys.detail(eventId),
      queryFn: () => getJson<EventDetailJson>(`/api/portal/events/${encodeURIComponent(eventId)}`),
      // Attempts land while the page is open (a retry, a resend).
      refetchInterval: 5_000,
    }),
  endpoints: () =>
    queryOptions({
      queryKey: eventKeys.endpoints,
      queryFn: () => getJson<{ items: EndpointItem[] }>("/api/portal/webhooks"),
      refetchInterval: 30_000,
    }),
};

const endpointUrl = (id: string) => `/api/portal/webhooks/${encodeURIComponent(id)}`;

export const eventMutations = {
  resend: (eventId: string, endpointId?: string) =>
    sendJson<Serialized<ResendResult>>(`/api/portal/events/${encodeURIComponent(eventId)}/resend`, "POST", endpointId ? { endpointId } : {}),
  resendFailed: (range: { from: string; to: string; endpointId?: string; type?: string }, dryRun: boolean) =>
    sendJson<BulkResendJson>("/api/portal/events/resend", "POST", { ...range, dryRun }),
  createEndpoint: (input: { name: string; url: string; eventTypes: string[] }) => sendJson<CreatedEndpointJson>("/api/portal/webhooks", "POST", input),
  updateEndpoint: (id: string, change: { name?: string; url?: string; eventTypes?: string[]; isEnabled?: boolean }) =>
    sendJson<EndpointItem>(endpointUrl(id), "PATCH", change),
  rotateSecret: (id: string) => sendJson<CreatedEndpointJson>(`${endpointUrl(id)}/rotate`, "POST", {}),
  deleteEndpoint: (id: string) => sendJson<{ deleted: true }>(endpointUrl(id), "DELETE"),
};

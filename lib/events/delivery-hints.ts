// The ids of events this process has just written (lib/events/outbox.ts), for
// its deliverer (lib/events/deliver-events.ts) to claim their deliveries by id
// rather than by scanning every pending delivery. Only a hint: an id is noted
// when its statement is built, so the event may not be committed yet, or never
// (a rolled-back transaction, a repeat that inserted nothing), and it has no
// delivery when no enabled endpoint takes its type. An id is looked for until
// its delivery is claimed or HINT_TTL_MS after it was noted; the deliverer's
// periodic full claim finds whatever a hint missed.

/** How long after it was noted an id is looked for. */
export const HINT_TTL_MS = 1_000;

/** Event id → when it was noted (Date.now()), oldest first (a Map keeps insertion order). */
const hints = new Map<string, number>();
/** Ids noted since the last takeHints. */
let untried = 0;

export function noteWrittenEvents(ids: readonly string[], now: number = Date.now()): void {
  for (const id of ids) {
    if (hints.has(id)) continue;
    hints.set(id, now);
    untried += 1;
  }
}

/** Whether any id is still to be looked for. */
export function hasHints(): boolean {
  return hints.size > 0;
}

/** Whether an id was noted since the last takeHints. */
export function hasUntriedHints(): boolean {
  return untried > 0;
}

/**
 * Up to `max` ids to look for now, oldest first, after forgetting those noted
 * more than HINT_TTL_MS ago (whether or not they were found: events written
 * while no endpoint takes them must not pile up ahead of new ones).
 */
export function takeHints(now: number, max: number): string[] {
  for (const [id, notedAt] of hints) {
    if (now - notedAt <= HINT_TTL_MS) break;
    hints.delete(id);
  }
  untried = 0;
  const ids: string[] = [];
  for (const id of hints.keys()) {
    if (ids.length >= max) break;
    ids.push(id);
  }
  return ids;
}

/** Ids whose deliveries were claimed: nothing more to look for. */
export function forgetHints(ids: readonly string[]): void {
  for (const id of ids) hints.delete(id);
}

// The ids of events this process has just written (lib/events/outbox.ts), for
// its deliverer (lib/events/deliver-events.ts) to claim their deliveries by id
// rather than by scanning every pending delivery. Only a hint: an id is noted
// when its statement is built, so the event may not be committed yet, or never
// (a rolled-back transaction, a repeat that inserted nothing, no enabled
// endpoint). The deliverer tries a hint for HINT_TTL_MS and then forgets it; its
// periodic full claim finds whatever a hint missed.

/** How long an id is tried after the first claim that looked for it. */
export const HINT_TTL_MS = 1_000;
/** Beyond this many ids (nothing delivering) the oldest are dropped: the full claim finds their rows. */
const MAX_HINTS = 10_000;

/** Event id → when a claim first looked for it (0: not yet). */
const hints = new Map<string, number>();
let untried = 0;

export function noteWrittenEvents(ids: readonly string[]): void {
  for (const id of ids) {
    if (hints.has(id)) continue;
    if (hints.size >= MAX_HINTS) {
      const oldest = hints.keys().next().value;
      if (oldest !== undefined) {
        if (hints.get(oldest) === 0) untried -= 1;
        hints.delete(oldest);
      }
    }
    hints.set(id, 0);
    untried += 1;
  }
}

/** Whether any id is still to be looked for (new, or tried less than HINT_TTL_MS ago). */
export function hasHints(): boolean {
  return hints.size > 0;
}

/** Whether an id was noted that no claim has looked for yet. */
export function hasUntriedHints(): boolean {
  return untried > 0;
}

/**
 * Up to `max` ids to look for now, oldest first (new ones and those tried less
 * than HINT_TTL_MS ago); older ones are forgotten.
 */
export function takeHints(now: number, max: number): string[] {
  const ids: string[] = [];
  for (const [id, triedAt] of hints) {
    if (ids.length >= max) break;
    if (triedAt === 0) {
      hints.set(id, now);
      untried -= 1;
    } else if (now - triedAt > HINT_TTL_MS) {
      hints.delete(id);
      continue;
    }
    ids.push(id);
  }
  return ids;
}

/** Ids whose deliveries were claimed: nothing more to look for. */
export function forgetHints(ids: readonly string[]): void {
  for (const id of ids) {
    if (hints.get(id) === 0) untried -= 1;
    hints.delete(id);
  }
}

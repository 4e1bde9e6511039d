// What refused callbacks may cost, per client address. A refused call is
// unauthenticated: anyone can send one, so what it costs must be bounded.
// - Log rows: a token bucket per client (and one for all clients together)
//   admits a steady trickle of rows; beyond it, refusals are only counted, and
//   the counts reach the log as one summary row per client and endpoint per
//   minute (verification "COUNTED").
// - Expensive verifications: checking a large body against the forms that
//   need it parsed and re-serialised costs ~30 ms of event loop per MiB; a
//   client whose large bodies were refused after that gets only a few a minute.
// A client out of either is "restricted" (serve-callback.ts: its large bodies
// are read slowly and checked against their raw bytes only). Verified calls
// never spend from the budget, and a verified call is never refused by it.
//
// Kept in memory, per process (ADR 0007): refusals are exactly the requests
// that must not cost a database write to be throttled, and a budget per app
// instance only multiplies the trickle by the number of instances.

export type RefusalBudgetOptions = {
  /** Rows per client per minute, also the burst a client may use at once. */
  perClientPerMinute: number;
  /** Rows per minute for all clients together (a crowd of addresses). */
  totalPerMinute: number;
  /** Large refused bodies per client per minute that were verified the expensive way. */
  expensivePerClientPerMinute?: number;
  /** Clients remembered at once; the least recently seen are forgotten first. */
  maxClients?: number;
  /** Tallies per summary period; past it, further clients are summed under "*". */
  maxTallies?: number;
};

export type RefusedCallFacts = {
  client: string;
  endpoint: string;
  generation: "V1" | "V2";
  /** The verification outcome (MISSING_CREDENTIALS, BAD_SIGNATURE, TOO_LARGE...). */
  outcome: string;
  resultCode: string;
  bodyBytes: number;
};

/** What a summary row says: how many refusals of one client at one endpoint were counted instead of stored. */
export type RefusalTally = {
  client: string;
  endpoint: string;
  generation: "V1" | "V2";
  count: number;
  bodyBytes: number;
  outcomes: Record<string, number>;
  resultCodes: Record<string, number>;
  firstAt: number;
  lastAt: number;
};

type Bucket = { tokens: number; at: number };

const OVERFLOW_CLIENT = "*";

export class RefusalBudget {
  private readonly rows = new Map<string, Bucket>();
  private readonly expensive = new Map<string, Bucket>();
  private readonly total: Bucket;
  private tallies = new Map<string, RefusalTally>();
  private readonly maxClients: number;
  private readonly maxTallies: number;
  private readonly expensivePerMinute: number;

  constructor(private readonly opts: RefusalBudgetOptions) {
    this.maxClients = opts.maxClients ?? 10_000;
    this.maxTallies = opts.maxTallies ?? 1_000;
    this.expensivePerMinute = opts.expensivePerClientPerMinute ?? 2;
    this.total = { tokens: opts.totalPerMinute, at: 0 };
  }

  /** Takes a row from the client's bucket and the shared one: true = log this refusal in full (a few KiB). */
  admit(client: string, nowMs: number): boolean {
    const bucket = this.bucketOf(this.rows, client, this.opts.perClientPerMinute, nowMs);
    refill(this.total, this.opts.totalPerMinute, nowMs);
    if (bucket.tokens < 1 || this.total.tokens < 1) return false;
    bucket.tokens -= 1;
    this.total.tokens -= 1;
    return true;
  }

  /** A large body of this client was refused after the expensive verification. */
  spendExpensive(client: string, nowMs: number): void {
    const bucket = this.bucketOf(this.expensive, client, this.expensivePerMinute, nowMs);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
  }

  /** Out of rows or of expensive verifications: its next large bodies are treated with suspicion. */
  isRestricted(client: string, nowMs: number): boolean {
    const isOut = (map: Map<string, Bucket>, perMinute: number) => {
      const bucket = map.get(client);
      if (!bucket) return false;
      refill(bucket, perMinute, nowMs);
      return bucket.tokens < 1;
    };
    return isOut(this.rows, this.opts.perClientPerMinute) || isOut(this.expensive, this.expensivePerMinute);
  }

  private bucketOf(map: Map<string, Bucket>, client: string, perMinute: number, nowMs: number): Bucket {
    let bucket = map.get(client);
    if (bucket) {
      // Re-inserted so the map's order is least recently seen first.
      map.delete(client);
    } else {
      bucket = { tokens: perMinute, at: nowMs };
      if (map.size >= this.maxClients) {
        const oldest = map.keys().next().value;
        if (oldest !== undefined) map.delete(oldest);
      }
    }
    map.set(client, bucket);
    refill(bucket, perMinute, nowMs);
    return bucket;
  }

  /** Counts a refusal that was not admitted. */
  count(facts: RefusedCallFacts, nowMs: number): void {
    let key = `${facts.client}\u0000${facts.endpoint}\u0000${facts.generation}`;
    let client = facts.client;
    if (!this.tallies.has(key) && this.tallies.size >= this.maxTallies) {
      client = OVERFLOW_CLIENT;
      key = `${OVERFLOW_CLIENT}\u0000${facts.endpoint}\u0000${facts.generation}`;
    }
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = {
        client,
        endpoint: facts.endpoint,
        generation: facts.generation,
        count: 0,
        bodyBytes: 0,
        outcomes: {},
        resultCodes: {},
        firstAt: nowMs,
        lastAt: nowMs,
      };
      this.tallies.set(key, tally);
    }
    tally.count += 1;
    tally.bodyBytes += facts.bodyBytes;
    tally.outcomes[facts.outcome] = (tally.outcomes[facts.outcome] ?? 0) + 1;
    tally.resultCodes[facts.resultCode] = (tally.resultCodes[facts.resultCode] ?? 0) + 1;
    tally.lastAt = nowMs;
  }

  /** The counts since the last call, for the summary rows; the counting starts again. */
  takeTallies(): RefusalTally[] {
    const out = [...this.tallies.values()];
    this.tallies = new Map();
    return out;
  }

  get pendingTallies(): number {
    return this.tallies.size;
  }
}

function refill(bucket: Bucket, perMinute: number, nowMs: number): void {
  const elapsed = Math.max(0, nowMs - bucket.at);
  bucket.tokens = Math.min(perMinute, bucket.tokens + (elapsed * perMinute) / 60_000);
  bucket.at = nowMs;
}

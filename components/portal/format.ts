// Times and durations as the portal pages show them. Times are in UTC so the
// server's first render and the browser's agree (no hydration mismatch).

/** "2 h 05 min", "12 min", "< 1 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "< 1 min";
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  if (h < 48) return `${h} h ${String(m).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "14:00" (UTC) from an ISO string. */
export function formatHourUtc(isoString: string): string {
  return isoString.slice(11, 16);
}

/** "2026-01-31 14:05 UTC" from an ISO string. */
export function formatTimeUtc(isoString: string): string {
  return `${isoString.slice(0, 10)} ${isoString.slice(11, 16)} UTC`;
}

/** To the second, for the callback log: "2026-11-25 10:00:03 UTC". */
export function formatTime(isoString: string): string {
  return `${isoString.slice(0, 10)} ${isoString.slice(11, 19)} UTC`;
}

import { usageError } from "./errors.ts";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest duration any flag takes: ten years. Past it a date overflows (`new Date(now + ms)` is
 * Invalid Date beyond 8.64e15 ms) long before any AWS limit matters.
 */
export const MAX_DURATION_MS = 3650 * UNITS.d!;

/**
 * The longest wait a timer can hold: setTimeout fires at once past 2^31-1 ms (~24.8 days), so any
 * duration that becomes a timer (--every, --timeout, --duration) stops at 24 days.
 */
export const MAX_TIMER_MS = 24 * UNITS.d!;

/** "90s", "15m", "12h", "1h30m", "2d" -> milliseconds. A bare number is seconds. At most `max` (ten years). */
export function parseDuration(value: string, flag: string, max: number = MAX_DURATION_MS): number {
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== v) {
      throw usageError(`${flag} must be a duration like 30s, 15m, 12h or 1h30m (got "${value}")`);
    }
    ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
  }
  return checkDurationMs(ms, flag, max);
}

/**
 * The bound check on a duration already in milliseconds (domain functions re-check what a caller
 * passes in-process). Over the bound is exit 2, before any call.
 */
export function checkDurationMs(ms: number, flag: string, max: number = MAX_DURATION_MS): number {
  if (!Number.isFinite(ms) || ms > max) {
    const why = max === MAX_TIMER_MS ? " (the longest a timer can wait)" : "";
    throw usageError(`${flag} must be at most ${formatDuration(max)}${why} (got ${Number.isFinite(ms) && ms < 1e17 ? formatDuration(ms) : "more"})`);
  }
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

// Whether the companion runs, read from its lease note's heartbeat: the plugin says so plainly when it
// does not, and what to start.
import { secondsBetween } from './time.ts';
export type CompanionState =
  | { state: 'running'; host: string; heartbeat: string }
  | { state: 'stopped'; host: string; heartbeat: string }
  | { state: 'absent' };

/**
 * A heartbeat older than the lease's own time to live means the holder is gone (it renews three times
 * per TTL). `now` is a local datetime in the zone the companion writes in.
 */
export function companionState(lease: Record<string, unknown> | undefined, now: string): CompanionState {
  if (!lease || typeof lease.heartbeat !== 'string' || typeof lease.host !== 'string') return { state: 'absent' };
  const ttl = typeof lease.ttl_seconds === 'number' && lease.ttl_seconds > 0 ? lease.ttl_seconds : 300;
  const age = secondsBetween(lease.heartbeat, now);
  if (typeof lease.stopped === 'string' && lease.stopped >= lease.heartbeat) return { state: 'stopped', host: lease.host, heartbeat: lease.heartbeat };
  return Number.isFinite(age) && age <= ttl ? { state: 'running', host: lease.host, heartbeat: lease.heartbeat } : { state: 'stopped', host: lease.host, heartbeat: lease.heartbeat };
}

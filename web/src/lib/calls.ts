// Logged phone calls (SPEC CHN-8): how a call's duration and start read,
// and the choices the log form offers. The server checks every field.
import type { components } from './api/schema';

export type Call = components['schemas']['Call'];
export const outcomes: Call['outcome'][] = ['answered', 'missed', 'voicemail', 'busy', 'failed'];

/** duration is a call's length in seconds as m:ss, or h:mm:ss from an hour. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** localInput is a time as a datetime-local input shows it, to the minute, in the browser's zone. */
export function localInput(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** seconds is a duration typed as minutes and seconds, in seconds. */
export function seconds(minutes: number | string, secs: number | string): number {
  return (Number(minutes) || 0) * 60 + (Number(secs) || 0);
}

// The typed API client. Its types come from schema.d.ts, generated from the
// server's OpenAPI document (docs/openapi.json) before every build, dev
// server and type check (npm run api-types); it is not committed.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { explain, reasonOf, type Problem } from './problem';

type S = components['schemas'];
export type Conversation = S['ConversationJSON'];
export type TimelineItem = S['TimelineItemJSON'];
export type Message = S['MessageJSON'];
export type User = S['UserJSON'];
export type Inbox = S['InboxJSON'];
export type Team = S['TeamJSON'];
export type Contact = S['ContactJSON'];
export type Channel = S['ChannelJSON'];
export type RoutingRule = S['Rule'];
export type Views = S['ViewsJSON'];
export type Attachment = S['AttachmentJSON'];
export type Ref = S['RefJSON'];
export type BulkAction = S['BulkInputBody']['action'];
export type ListQuery = NonNullable<paths['/api/v1/conversations']['get']['parameters']['query']>;

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

/**
 * ApiError is a problem (RFC 9457) the server answered: its message is in
 * the app's language, detail is the server's own words (for the curious and
 * for a bug report).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly detail?: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

let onUnauthorized = () => {};

/** whenSignedOut registers what happens when a call answers 401. */
export function whenSignedOut(fn: () => void) {
  onUnauthorized = fn;
}

/**
 * ok unwraps an openapi-fetch result: the data (true for 204), or an
 * ApiError saying what went wrong in the catalogue's words, with the
 * server's own (and the field it names, if any) as its detail.
 */
export async function ok<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  // A success without content (204) is true, so callers can tell it from
  // a failure, which app.act reports as undefined.
  if (response.ok) return (data ?? true) as T;
  if (response.status === 401) onUnauthorized();
  const prob = (error ?? {}) as Problem;
  const first = prob.errors?.[0];
  const field = first?.location?.replace(/^body\./, '');
  // The field named, then what is wrong with it ("cc[0].email is not an email address").
  const detail = first?.message ? (field ? `${field} ${first.message}` : first.message) : (prob.detail ?? prob.title ?? response.statusText);
  const reason = reasonOf(prob);
  // How long until it may succeed (a Retry-After in seconds), said in minutes.
  const wait = Number(response.headers?.get('Retry-After') ?? 0);
  const minutes = wait > 0 ? String(Math.max(1, Math.ceil(wait / 60))) : '';
  // A bot's step at fault, counted from one as the editor shows it.
  const at = /^bot\.steps\[(\d+)\]/.exec(field ?? '');
  const step = at ? String(Number(at[1]) + 1) : '';
  throw new ApiError(response.status, explain(response.status, reason, field, { minutes, step }), field, detail, reason);
}

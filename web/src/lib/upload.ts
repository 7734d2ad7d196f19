// Sending a file's bytes as a request body (uploads, documents, pictures):
// the server reads its name from ?name= and its type from Content-Type.
import { ApiError } from './api/client';
import { explain, reasonOf } from './api/problem';

/** sendFile sends f and returns the JSON answer, or throws what went wrong (tooLarge for a 413). */
export async function sendFile<T>(method: 'POST' | 'PUT', url: string, f: File, tooLarge: string): Promise<T> {
  const res = await fetch(url, {
    method,
    body: f,
    headers: { 'Content-Type': f.type || 'application/octet-stream' },
    credentials: 'same-origin',
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 413) throw new ApiError(413, tooLarge);
  if (!res.ok) {
    const reason = reasonOf(body);
    const detail = body.errors?.[0]?.message ?? body.detail ?? res.statusText;
    throw new ApiError(res.status, explain(res.status, reason, undefined), undefined, detail, reason);
  }
  return body as T;
}

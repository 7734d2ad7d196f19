// Sending a file's bytes as a request body (uploads, documents, pictures):
// the server reads its name from ?name= and its type from Content-Type.
import { ApiError } from './api/client';

/** sendFile sends f and returns the JSON answer, or throws the server's words (tooLarge for a 413). */
export async function sendFile<T>(method: 'POST' | 'PUT', url: string, f: File, tooLarge: string): Promise<T> {
  const res = await fetch(url, {
    method,
    body: f,
    headers: { 'Content-Type': f.type || 'application/octet-stream' },
    credentials: 'same-origin',
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 413) throw new ApiError(413, tooLarge);
  if (!res.ok) throw new ApiError(res.status, body.errors?.[0]?.message ?? body.detail ?? res.statusText);
  return body as T;
}

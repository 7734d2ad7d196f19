import { getContext } from 'svelte';
import type { App } from './app.svelte';

/** useApp returns the app's state, set by App.svelte. */
export function useApp(): App {
  return getContext<App>('app');
}

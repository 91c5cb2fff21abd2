import { error, redirect } from '@sveltejs/kit';
import { ApiError, api } from '#lib/api.ts';
import { readKv, writeKv } from '#lib/field/db.ts';
import type { Me } from '#lib/types.ts';
import type { LayoutLoad } from './$types';

/**
 * The technician's phone, outside the office's (app) layout because it must open with no signal:
 * who is signed in is asked of the API, and when there is no answer at all the phone's last
 * answer is used (kept in IndexedDB), so the day and the outbox still show in a basement. A 401
 * is a real "signed out" and goes to sign in, as everywhere else.
 */
export const load: LayoutLoad = async ({ url }) => {
  let me: Me | undefined;
  let offline = false;
  try {
    me = await api.get<Me>('/auth/me', { redirectOn401: false });
    void writeKv('me', me).catch(() => {});
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) redirect(307, `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
    if (!(err instanceof ApiError) || err.status !== 0)
      error(err instanceof ApiError && err.status >= 400 ? err.status : 503, 'Cannot open your day');
    me = await readKv<Me>('me').catch(() => undefined);
    offline = true;
    if (!me) error(503, 'No signal, and this phone has not opened your day before. Connect once to keep it for offline use.');
  }
  // The office has its own pages; My day is a technician's.
  if (me.role !== 'technician') redirect(307, '/jobs');
  return { me, offline };
};

import { error, redirect } from '@sveltejs/kit';
import { ApiError, api } from '#lib/api.ts';
import type { Me } from '#lib/types.ts';
import type { LayoutLoad } from './$types';

// Every signed-in page needs to know who is asking (role for the navigation, timezone for dates).
export const load: LayoutLoad = async ({ url }) => {
  try {
    const me = await api.get<Me>('/auth/me', { redirectOn401: false });
    return { me };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      redirect(307, `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
    }
    // The API is down or answered oddly: show the error page rather than a half-built shell.
    const e = err instanceof ApiError ? err : new ApiError(0, 'Cannot reach Switchboard', undefined);
    error(e.status >= 400 ? e.status : 503, e.detail ?? e.title);
  }
};

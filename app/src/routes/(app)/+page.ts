import { redirect } from '@sveltejs/kit';
import { allows } from '#core/permissions.ts';
import type { PageLoad } from './$types';

// Everyone's starting point: a technician's day on the phone (/field), the jobs list for the office.
export const load: PageLoad = async ({ parent }) => {
  const { me } = await parent();
  redirect(307, allows(me.role, 'feed.view') ? '/field' : '/jobs');
};

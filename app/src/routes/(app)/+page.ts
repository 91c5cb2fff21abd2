import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

// Everyone's starting point is the jobs list (a technician's own jobs).
export const load: PageLoad = () => {
  redirect(307, '/jobs');
};

/**
 * The job drawer and the new-job drawer for the dispatcher's board, and the pieces they are
 * made of. Each component documents its props at the top of its file.
 *
 *   <JobDrawer jobId={selectedId} onclose={() => (selectedId = null)} readonly={!allows(me.role, 'jobs.write')} />
 *   {#if creating}<NewJobDrawer {date} {timezone} oncreated={(job) => …} onclose={() => (creating = false)} />{/if}
 */
export { default as JobDrawer } from './JobDrawer.svelte';
export { default as NewJobDrawer } from './NewJobDrawer.svelte';
export { default as JobSheet } from './JobSheet.svelte';
export { default as SidePanel } from './SidePanel.svelte';
export { clearDrawerRefs } from './refs.ts';
export type { JobDetail, JobRecord, JobEvent, JobWarning } from './types.ts';

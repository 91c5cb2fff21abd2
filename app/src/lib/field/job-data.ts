/**
 * What the phone keeps of a job to show it with no signal: the job with its customer, place,
 * line items and history (GET /api/jobs/{id}), its notes, part usages and files. Fetched when the
 * day is live (every job of the day, so a job opens in a basement too) and when the job screen
 * opens online; kept in IndexedDB per person. And what the job screen offers to pick from,
 * kept the same way: the technician's truck stock and the price book.
 */
import { api, ApiError } from '#lib/api.ts';
import type { components } from '#lib/api/schema.d.ts';
import { readJob, readKv, saveJob, writeKv } from './db.ts';

type Schemas = components['schemas'];
export type JobDetail = Schemas['JobDetail'];
export type PartUsage = Schemas['PartUsage'];
export type StockLevel = Schemas['StockLevel'];
export type PriceBookItem = Schemas['PriceBookItem'];
export type Technician = Schemas['Technician'];
export type Part = Schemas['Part'];

/** A job note (POST/GET /api/jobs/{id}/notes, kept as a job event of kind 'note'). */
export interface JobNote {
  id: string;
  jobId: string;
  text: string;
  at: number;
  authorName: string | null;
}

/** A photo or a signature in R2 (PUT/GET /api/jobs/{id}/files). */
export interface JobFile {
  id: string;
  jobId: string;
  kind: 'photo' | 'signature';
  contentType: string;
  bytes: number;
  caption: string | null;
  signerName: string | null;
  signedAt: number | null;
  createdAt: number;
  url: string;
}

export interface JobBundle {
  job: JobDetail;
  notes: JobNote[];
  parts: PartUsage[];
  files: JobFile[];
  savedAt: number;
}

async function listOrEmpty<T>(path: string, query?: Record<string, string | number>): Promise<T[]> {
  try {
    return (await api.get<{ items: T[] }>(path, { query })).items;
  } catch (err) {
    // A route this server does not have yet (404 on the list itself) reads as nothing recorded.
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}

/** The job from the server, kept on the phone. Throws ApiError (0 when there is no signal). */
export async function fetchJob(userId: string, id: string): Promise<JobBundle> {
  const [job, notes, parts, files] = await Promise.all([
    api.get<JobDetail>(`/jobs/${encodeURIComponent(id)}`),
    listOrEmpty<JobNote>(`/jobs/${encodeURIComponent(id)}/notes`),
    listOrEmpty<PartUsage>('/part-usages', { jobId: id, limit: 200 }),
    listOrEmpty<JobFile>(`/jobs/${encodeURIComponent(id)}/files`),
  ]);
  const bundle: JobBundle = { job, notes, parts, files, savedAt: Date.now() };
  await saveJob(userId, id, bundle);
  return bundle;
}

export function keptJob(userId: string, id: string): Promise<JobBundle | undefined> {
  return readJob<JobBundle>(userId, id);
}

/** Keeps each job of the day on the phone, a few at a time; failures are left for the next time. */
export async function prefetchJobs(userId: string, ids: readonly string[]): Promise<void> {
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      try {
        await fetchJob(userId, id);
      } catch {
        // Offline or gone: the day still shows what the feed said.
      }
    }
  };
  await Promise.all([worker(), worker()]);
}

export interface Catalog {
  technician: Technician | null;
  truck: StockLevel[];
  /** Every part, so one not on the truck can still be logged (the server flags it for the office). */
  parts: Part[];
  priceBook: PriceBookItem[];
  savedAt: number;
}

const CATALOG = (userId: string) => `catalog:${userId}`;

/** The technician's record, their truck's stock and the active price book; kept for offline use. */
export async function fetchCatalog(userId: string): Promise<Catalog> {
  const [technicians, priceBook, parts] = await Promise.all([
    listOrEmpty<Technician>('/technicians', { limit: 200, active: 'true' }),
    listOrEmpty<PriceBookItem>('/pricebook', { limit: 200, active: 'true' }),
    listOrEmpty<Part>('/parts', { limit: 200 }),
  ]);
  const technician = technicians.find((t) => t.userId === userId) ?? null;
  const truck = technician?.truckLocationId
    ? await listOrEmpty<StockLevel>('/stock/levels', { locationId: technician.truckLocationId, limit: 200 })
    : [];
  const catalog: Catalog = { technician, truck, parts, priceBook, savedAt: Date.now() };
  await writeKv(CATALOG(userId), catalog);
  return catalog;
}

export function keptCatalog(userId: string): Promise<Catalog | undefined> {
  return readKv<Catalog>(CATALOG(userId));
}

/**
 * A customer and a service location as the API shows them: their rows less the org, derived
 * from db/schema.ts. The customers and locations routes answer with them, and a job's detail
 * embeds a subset of each (jobs/jobs.ts).
 */
import { z } from '@hono/zod-openapi';
import { createSelectSchema } from 'drizzle-zod';
import { customers, locations } from '../../db/schema.ts';
import { latitude, longitude } from '../http/fields.ts';

// A JSON column's type is the API's to say (drizzle-zod reads it as any JSON).
export const Customer = createSelectSchema(customers, { tags: z.array(z.string()) })
  .omit({ orgId: true })
  .openapi('Customer');

// The row as stored; a place's coordinates are in the ranges the API takes them in.
export const Location = createSelectSchema(locations, { lat: () => latitude(), lng: () => longitude() })
  .omit({ orgId: true })
  .openapi('Location');

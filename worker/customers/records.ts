/**
 * A customer and a service location as the API shows them: the customers and locations routes
 * answer with them, and a job's detail embeds a subset of each (jobs/jobs.ts).
 */
import { z } from '@hono/zod-openapi';

export const Customer = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    billingAddress: z.string().nullable(),
    notes: z.string().nullable(),
    tags: z.array(z.string()),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Customer');

export const Location = z
  .object({
    id: z.string(),
    customerId: z.string(),
    label: z.string().nullable(),
    address: z.string(),
    city: z.string(),
    region: z.string(),
    postalCode: z.string(),
    lat: z.number(),
    lng: z.number(),
    timezone: z.string(),
    accessNotes: z.string().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Location');

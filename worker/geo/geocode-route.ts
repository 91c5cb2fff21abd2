/**
 * GET /api/geocode: where an address is, for the office's forms (a new service location, a
 * technician's home base), which then show a pin the user drags to the exact spot.
 */
import { z } from '@hono/zod-openapi';
import { problemResponses } from '../http/resource.ts';
import { json, route, router } from '../http/router.ts';
import { fieldProblem } from '../problem.ts';
import { geocoderFor } from './geocoder.ts';

const GeocodeQuery = z.object({
  postalCode: z
    .string()
    .trim()
    .min(3)
    .max(12)
    .regex(/^[A-Za-z0-9 -]+$/, 'Letters, digits, spaces and dashes only.'),
  address: z.string().trim().max(200).optional(),
  city: z.string().trim().max(80).optional(),
  region: z.string().trim().max(40).optional(),
});

const GeoPoint = z
  .object({
    lat: z.number(),
    lng: z.number(),
    precision: z.enum(['zip', 'address']).openapi({ description: "'zip': the ZIP code's centre; 'address': the street address itself" }),
  })
  .openapi('GeoPoint');

export const geocodeRoutes = router();

geocodeRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Locations'],
    summary: 'Where an address is (its ZIP code’s centre unless a geocoding provider is configured)',
    permission: 'locations.read',
    request: { query: GeocodeQuery },
    responses: { 200: json(GeoPoint, 'The point to put the pin on'), ...problemResponses },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const point = await geocoderFor(c.env).geocode(query);
    if (!point) throw fieldProblem(422, 'postalCode', 'query', 'No such US ZIP code.');
    return c.json(point, 200);
  },
);

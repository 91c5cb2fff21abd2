/** Field schemas shared by resources: bounded strings, ids, money, places and local times. */
import { z } from '@hono/zod-openapi';
import { isLocalDate, isLocalTime, isValidTimeZone } from '../../core/time.ts';

/** Trimmed, non-empty, bounded text. Every string the API takes has a maximum length. */
export const text = (max: number) => z.string().trim().min(1, 'Must not be empty.').max(max, `At most ${max} characters.`);
export const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters.`).nullable().optional();
export const ref = () => z.string().min(1).max(64);
export const email = () => z.string().trim().toLowerCase().max(254).pipe(z.email('Not an email address.'));
export const phone = () =>
  z
    .string()
    .trim()
    .max(40)
    .regex(/^[+0-9 ().-]*$/, 'Digits, spaces, + ( ) . - only.');
export const tags = () => z.array(z.string().trim().min(1).max(40)).max(20);
export const cents = () => z.number().int('Whole cents.').min(0).max(100_000_000_00);
export const latitude = () => z.number().min(-90).max(90);
export const longitude = () => z.number().min(-180).max(180);
export const timezone = () => z.string().max(64).refine(isValidTimeZone, 'Not an IANA timezone, e.g. America/Chicago.');
export const localDate = () => z.string().max(10).refine(isLocalDate, 'A date as YYYY-MM-DD.');
export const localTime = () => z.string().max(5).refine(isLocalTime, 'A time as HH:MM (24-hour).');
export const instant = () => z.number().int().min(0).max(8.64e15).openapi({ description: 'UTC epoch milliseconds' });

/**
 * The roles a person can hold. Here rather than in the schema because the permission table
 * (core/permissions.ts), the rooms and the app all read them, and none of those may import the
 * database layer; db/schema.ts takes the list from here for its column.
 */
export const ROLES = ['admin', 'dispatcher', 'manager', 'technician'] as const;
export type Role = (typeof ROLES)[number];

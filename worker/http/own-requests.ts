/**
 * Requests the Worker makes to its own app on a caller's behalf: the actions of a replay
 * (worker/http/replay.ts), each dispatched as the request the phone would have sent on its own.
 *
 * Such a request carries the caller's credentials and is checked like any other (its route's
 * permission, its org, its Idempotency-Key). Two things need not be done again for each one: the
 * session was looked up by the replay itself a moment before (in the same request, so nothing
 * about it can have changed), and the webhook deliveries its write may have queued go out once,
 * after the whole replay. Keyed by the Request object, which only this Worker can hold, so no
 * client can claim to be one.
 */
import type { AuthContext } from '../auth/session.ts';

const sessions = new WeakMap<Request, AuthContext>();

/** Marks `request` as made by the Worker for the holder of `auth`. */
export function onBehalfOf(request: Request, auth: AuthContext): Request {
  // The replay touches the session once; its actions never need to.
  sessions.set(request, { ...auth, lastSeenStale: false });
  return request;
}

/** The session of a request the Worker made to itself; undefined for every request from outside. */
export function ownRequestSession(request: Request): AuthContext | undefined {
  return sessions.get(request);
}

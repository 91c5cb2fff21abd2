/**
 * Passkeys through @simplewebauthn/server. The relying party (id and allowed origins) comes
 * from configuration; user verification is always required; challenges live in
 * auth_challenges, single-use and expiring after 5 minutes (see challenges.ts).
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from '@hono/zod-openapi';
import type { Env } from '../env.ts';

/**
 * A credential as the browser's WebAuthn JSON gives it (RegistrationResponseJSON and
 * AuthenticationResponseJSON share this outer shape): what adding a passkey and signing in with
 * one both accept. Sizes are capped here; the contents are @simplewebauthn/server's to verify.
 */
export const CredentialJson = z
  .object({
    id: z.string().max(1024),
    rawId: z.string().max(1024),
    type: z.literal('public-key'),
    response: z.record(z.string(), z.unknown()),
    clientExtensionResults: z.record(z.string(), z.unknown()).optional(),
    authenticatorAttachment: z.string().max(40).optional(),
  })
  .passthrough();

export interface RelyingParty {
  id: string;
  name: string;
  origins: string[];
}

export function relyingParty(env: Env): RelyingParty {
  return {
    id: env.WEBAUTHN_RP_ID,
    name: env.WEBAUTHN_RP_NAME || 'Switchboard',
    origins: env.WEBAUTHN_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

export interface StoredPasskey {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[];
}

const b64url = {
  encode: (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, ''),
  decode: (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0)),
};

export function registrationOptions(rp: RelyingParty, user: { id: string; email: string; name: string }, existing: StoredPasskey[]) {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: new TextEncoder().encode(user.id),
    userName: user.email,
    userDisplayName: user.name,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] })),
    // Discoverable credentials, so sign-in needs no username; verification (PIN, biometrics) always.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponseJSON, expectedChallenge: string) {
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: true,
  });
  if (!result.verified) return null;
  const info = result.registrationInfo;
  return {
    id: info.credential.id,
    publicKey: b64url.encode(info.credential.publicKey),
    counter: info.credential.counter,
    transports: (info.credential.transports ?? []) as string[],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
  };
}

export function authenticationOptions(rp: RelyingParty) {
  // No allowCredentials: the browser offers whichever passkey the person has for this site.
  return generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', allowCredentials: [] });
}

export async function verifyAuthentication(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  passkey: StoredPasskey,
) {
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: true,
    credential: {
      id: passkey.id,
      publicKey: b64url.decode(passkey.publicKey),
      counter: passkey.counter,
      transports: passkey.transports as AuthenticatorTransport[],
    },
  });
  return result.verified ? { newCounter: result.authenticationInfo.newCounter } : null;
}

/**
 * Passkeys in the browser, through @simplewebauthn/browser. The server hands out the options
 * (challenge, relying party) and checks the answer; these helpers only run the ceremony and turn
 * the browser's many failure shapes into one plain sentence, or null when it was our own abort.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
  WebAuthnError,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { api } from './api.ts';

export { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill };

/**
 * Asks the browser for a passkey for this site. With `autofill`, the request waits quietly for
 * the person to pick a passkey from the email field's suggestions (conditional UI).
 */
export async function getPasskeyAssertion(autofill: boolean): Promise<AuthenticationResponseJSON> {
  const optionsJSON = await api.post<PublicKeyCredentialRequestOptionsJSON>('/auth/passkey/options', undefined, { redirectOn401: false });
  return startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
}

/** Creates a new passkey for the signed-in person (the server binds the challenge to this session). */
export async function createPasskey(): Promise<RegistrationResponseJSON> {
  const optionsJSON = await api.post<PublicKeyCredentialCreationOptionsJSON>('/account/passkeys/options');
  return startRegistration({ optionsJSON });
}

/** Ends a waiting passkey request (the autofill one) before starting another. */
export function cancelPasskeyRequest(): void {
  WebAuthnAbortService.cancelCeremony();
}

/** True when the ceremony ended because we aborted it: nothing to tell the person. */
export function wasAborted(err: unknown): boolean {
  if (err instanceof WebAuthnError && err.code === 'ERROR_CEREMONY_ABORTED') return true;
  return err instanceof Error && err.name === 'AbortError';
}

/** What to tell the person when the browser side of a passkey ceremony fails. */
export function passkeyFailure(err: unknown, purpose: 'sign-in' | 'register'): string {
  const code = err instanceof WebAuthnError ? err.code : undefined;
  const name =
    err instanceof WebAuthnError ? (err.cause instanceof Error ? err.cause.name : err.name) : err instanceof Error ? err.name : '';
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'This device already holds a passkey for your account.';
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID')
    return 'Passkeys do not work at this address. Open Switchboard by its usual name and try again.';
  if (
    code === 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT' ||
    code === 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT'
  ) {
    return 'This security key or device cannot hold a passkey that checks who you are (PIN or biometrics). Try another device.';
  }
  if (name === 'NotAllowedError') {
    return purpose === 'sign-in'
      ? 'The passkey request was cancelled or timed out. Try again, or sign in with your password.'
      : 'The passkey request was cancelled or timed out. Nothing was added.';
  }
  console.error('passkey ceremony failed', err);
  return purpose === 'sign-in'
    ? 'Your browser could not use a passkey. Try again, or sign in with your password.'
    : 'Your browser could not create a passkey.';
}

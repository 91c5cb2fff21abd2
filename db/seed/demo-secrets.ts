/**
 * Sign-in secrets of the local demo, documented in the README so people and scripts can sign
 * in. They exist only in the local seed, which refuses any database that is not on this machine.
 */
export const DEMO_PASSWORD = 'switchboard-demo';

/**
 * The authenticator-app secret of every demo admin, dispatcher and manager (technicians use a
 * password alone unless their org requires more). Any TOTP app or library computes the codes:
 * e.g. `TOTP.generate({ secret: Secret.fromBase32(DEMO_TOTP_SECRET) })` with otpauth.
 */
export const DEMO_TOTP_SECRET = 'KRSXG5DTO5UXIY3IMJXWC4TEMRSW2YLT';

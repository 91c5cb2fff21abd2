// Prints the current authenticator code of the demo office users (local demo only), the same
// code an authenticator app set up with the documented secret would show.
import { Secret, TOTP } from 'otpauth';
import { DEMO_TOTP_SECRET } from '../db/seed/demo-secrets.ts';

const totp = new TOTP({ secret: Secret.fromBase32(DEMO_TOTP_SECRET), period: 30, digits: 6, algorithm: 'SHA1' });
const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(totp.generate());
console.error(`(valid for ${left} more seconds; each code signs in once)`);

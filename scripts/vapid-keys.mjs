// Prints a new Web Push (VAPID) key pair for production, as the three secrets the Worker reads
// (rooms/push-keys.ts): `npm run -s push:keys`, then `npx wrangler secret put NAME --env production`
// for each. Made once per environment and kept: a new pair strands every phone's subscription
// until the phone subscribes again. Development needs none (the Worker makes and keeps its own).
const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
const publicKey = Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
const { d } = await crypto.subtle.exportKey('jwk', pair.privateKey);
console.log(`VAPID_PUBLIC_KEY=${publicKey}`);
console.log(`VAPID_PRIVATE_KEY=${d}`);
console.log('VAPID_SUBJECT=mailto:ops@your-company.example   # a contact push services may write to');

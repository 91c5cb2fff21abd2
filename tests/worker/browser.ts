/** A cookie-keeping client for sign-in flows, speaking to the Worker as a same-origin page would. */
import { api, type ApiResult } from './helpers.ts';

export class Browser {
  private cookies = new Map<string, string>();
  constructor(readonly address = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) {}

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    // Each Browser is its own client address, so rate limits in one test do not leak into another.
    const res = await api<T>('anon', method, path, body, { 'cf-connecting-ip': this.address, ...(cookie ? { cookie } : {}), ...headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  cookie(name: string) {
    return this.cookies.get(name);
  }
}

// A tiny OpenID Connect provider for browser tests: discovery, its key,
// an authorization endpoint that signs in the person the test names at
// once (a real provider would ask them first) and a token endpoint that
// checks the code, the PKCE verifier and the client, and signs an RS256 ID
// token with node:crypto. It listens on loopback: Parley reaches it only
// with private targets allowed.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class OIDCProvider {
  url = '';
  clientID = 'parley-e2e';
  secret = 'e2e-secret';
  /** the person the next sign-in is */
  person: { email: string; name: string; email_verified?: boolean } = { email: '', name: '' };
  private server?: Server;
  private key: KeyObject;
  private pub: KeyObject;
  private codes = new Map<string, { nonce: string; challenge: string; redirect: string }>();

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.key = privateKey;
    this.pub = publicKey;
  }

  async start() {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', this.url);
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.method === 'GET' && u.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer: this.url,
          authorization_endpoint: `${this.url}/authorize`,
          token_endpoint: `${this.url}/token`,
          jwks_uri: `${this.url}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (req.method === 'GET' && u.pathname === '/jwks') {
        return json(200, { keys: [{ ...this.pub.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
      }
      if (req.method === 'GET' && u.pathname === '/authorize') {
        const q = u.searchParams;
        if (q.get('client_id') !== this.clientID || q.get('code_challenge_method') !== 'S256' || !q.get('nonce')) return json(400, { error: 'invalid_request' });
        const code = randomBytes(16).toString('hex');
        this.codes.set(code, { nonce: q.get('nonce')!, challenge: q.get('code_challenge')!, redirect: q.get('redirect_uri')! });
        const back = new URL(q.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state')!);
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (req.method === 'POST' && u.pathname === '/token') {
        let raw = '';
        req.on('data', (d) => (raw += d));
        req.on('end', () => {
          const form = new URLSearchParams(raw);
          let [id, secret] = [form.get('client_id'), form.get('client_secret')];
          const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
          if (basic) [id, secret] = Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent);
          const g = this.codes.get(form.get('code') ?? '');
          this.codes.delete(form.get('code') ?? '');
          if (id !== this.clientID || secret !== this.secret) return json(401, { error: 'invalid_client' });
          const verifier = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
          if (!g || verifier !== g.challenge || form.get('redirect_uri') !== g.redirect) return json(400, { error: 'invalid_grant' });
          const now = Math.floor(Date.now() / 1000);
          const claims = { iss: this.url, sub: this.person.email, aud: this.clientID, iat: now, exp: now + 600, nonce: g.nonce, email_verified: true, ...this.person };
          json(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 600, id_token: this.jwt(claims) });
        });
        return;
      }
      json(404, { error: 'not_found' });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private jwt(claims: object): string {
    const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }));
    const body = b64url(JSON.stringify(claims));
    return `${head}.${body}.${b64url(sign('RSA-SHA256', Buffer.from(`${head}.${body}`), this.key))}`;
  }

  async stop() {
    await new Promise((ok) => this.server?.close(ok));
  }
}

// A real Parley for browser tests: the binary started on a temporary SQLite
// database, with a real SMTP server standing in for the outside world that
// our mail is relayed to, and helpers that act through the public API.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });
}

export type User = { id: number; email: string; name: string; password: string };

export class Parley {
  url = '';
  smtpPort = 0;
  /** mail our server sent out, as the outside world received it. */
  outbox: ParsedMail[] = [];
  adminToken = '';
  /** firstLink is the one-time sign-in link the first start printed. */
  firstLink = '';
  private bin = process.env.PARLEY_BIN ?? resolve(import.meta.dirname, '../../bin/parley');
  private proc?: ChildProcess;
  private mta?: SMTPServer;
  private dir = '';
  private env: Record<string, string> = {};
  private schema = '';
  private counter = 0;

  async start() {
    this.dir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
    const [http, smtp, relay] = await Promise.all([freePort(), freePort(), freePort()]);
    this.url = `http://127.0.0.1:${http}`;
    this.smtpPort = smtp;
    this.mta = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // Mail to refused.test is refused for good, as a real server refuses an unknown mailbox.
      onRcptTo: (address, _session, done) => {
        if (address.address.endsWith('@refused.test')) return done(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
        done();
      },
      onData: (stream, _session, done) => {
        simpleParser(stream)
          .then((m) => {
            this.outbox.push(m);
            done();
          })
          .catch(done);
      },
    });
    await new Promise<void>((ok) => this.mta!.listen(relay, '127.0.0.1', ok));

    // E2E_DATABASE_URL runs the server on PostgreSQL instead, in a schema of
    // its own (make test runs the browser tests on both engines).
    const pg = process.env.E2E_DATABASE_URL;
    if (pg) {
      this.schema = `e2e_${Math.random().toString(36).slice(2, 10)}`;
      execFileSync('psql', [pg, '-q', '-c', `CREATE SCHEMA ${this.schema}`]);
      const u = new URL(pg);
      u.searchParams.set('search_path', this.schema);
      this.env.PARLEY_DATABASE_URL = u.toString();
    }
    this.env = {
      ...this.env,
      PARLEY_DATA_DIR: this.dir,
      PARLEY_LISTEN: `127.0.0.1:${http}`,
      PARLEY_BASE_URL: this.url,
      PARLEY_SMTP_ADDR: `127.0.0.1:${smtp}`,
      PARLEY_SMTP_RELAY: `smtp://127.0.0.1:${relay}`,
      PARLEY_MAIL_DOMAIN: 'parley.test',
      PARLEY_ORG_NAME: 'Acme',
      PARLEY_STREAM_POLL: '1s',
      PARLEY_NOTIFY_MAIL_DELAY: '1s',
      PARLEY_LOG_LEVEL: 'warn',
      // The tests set up their data through the API with the admin's token,
      // faster than a person: the per-user API limit (50/s, burst 100) is
      // the Go tests' to check (session_test.go, headers_test.go), not a
      // fixture's to trip.
      PARLEY_API_RATE: '1000',
      PARLEY_API_BURST: '2000',
    };
    this.firstLink = await this.spawn(true);
    // The admin's token comes from the command line, so the one-time link
    // stays unused for the test that follows it.
    this.adminToken = execFileSync(this.bin, ['token', 'create', '--email', 'admin@example.com'], {
      env: { ...process.env, ...this.env },
    })
      .toString()
      .trim()
      .split('\n')
      .pop()!;
  }

  /** spawn starts parley serve; on first start it returns the sign-in link. */
  private async spawn(first: boolean): Promise<string> {
    this.proc = spawn(this.bin, ['serve'], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    this.proc.stderr!.on('data', (d) => (log += d));
    return new Promise<string>((ok, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`parley did not start:\n${out}\n${log}`)), 20_000);
      this.proc!.stdout!.on('data', (d) => {
        out += d;
        const m = first ? /(http:\/\/\S+\/login\/\S+)/.exec(out) : /Parley is running/.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1] ?? '');
        }
      });
      this.proc!.once('exit', (code) => fail(new Error(`parley exited ${code}:\n${out}\n${log}`)));
    });
  }

  /** restart stops the server, runs meanwhile while it is down, and starts it again on the same data. */
  async restart(meanwhile: () => Promise<void>) {
    const p = this.proc!;
    const exited = new Promise((ok) => p.once('exit', ok));
    p.kill('SIGTERM');
    await exited;
    await meanwhile();
    await this.spawn(false);
  }

  async stop() {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((ok) => p.once('exit', ok));
      p.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((ok) => (this.mta ? this.mta.close(() => ok()) : ok()));
    if (this.schema) execFileSync('psql', [process.env.E2E_DATABASE_URL!, '-q', '-c', `DROP SCHEMA ${this.schema} CASCADE`]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** api calls the API as the admin (or with another token) and returns the JSON. */
  async api<T = any>(method: string, path: string, body?: unknown, token = this.adminToken): Promise<T> {
    const res = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** user makes a teammate with a password, unique to the call. */
  async user(name: string, role: 'admin' | 'agent' | 'viewer' = 'agent'): Promise<User> {
    const n = ++this.counter;
    const local = name.toLowerCase().split(' ')[0].normalize('NFD').replace(/[^a-z]/g, '');
    const email = `${local}${n}@acme.test`;
    const password = `password-${name}-${n}`;
    const u = await this.api('POST', '/users', { email, name, role, password });
    return { id: u.id, email, name, password };
  }

  /** inbox makes an inbox with its API channel. */
  async inbox(name: string, access: 'everyone' | 'specific' = 'everyone', userIDs: number[] = []) {
    const ib = await this.api('POST', '/inboxes', { name, access, user_ids: userIDs });
    const ch = await this.api('POST', `/inboxes/${ib.id}/channels`, { kind: 'api', name: `${name} chat` });
    return { id: ib.id as number, slug: ib.slug as string, address: ib.address as string, channel: ch.id as number };
  }

  /** push is a customer message through an API channel. */
  async push(channel: number, from: { email: string; name: string }, text: string, subject = '') {
    return this.api('POST', `/channels/${channel}/messages`, { client_id: `c${++this.counter}-${Date.now()}`, contact: from, text, subject });
  }

  /** mail is a customer's email, delivered to our SMTP listener by a real SMTP client. */
  async mail(
    to: string,
    from: string,
    subject: string,
    text: string,
    headers: Record<string, string> = {},
    html?: string,
    attachments: { filename: string; content: Buffer; contentType: string }[] = [],
  ) {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: this.smtpPort, secure: false, ignoreTLS: true });
    const info = await t.sendMail({ from, to, subject, text, html, headers, attachments });
    t.close();
    return info.messageId as string;
  }

  /** sent waits for mail to arrive at the outside world. */
  async sent(match: (m: ParsedMail) => boolean, timeout = 15_000): Promise<ParsedMail> {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      const m = this.outbox.find(match);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no such mail sent; outbox: ${this.outbox.map((m) => m.subject).join(', ')}`);
  }
}

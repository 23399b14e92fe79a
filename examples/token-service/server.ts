/**
 * A small token service, written as ordinary production code: it uses Date.now() and setInterval and
 * knows nothing about tests.
 *
 *   POST /tokens          → 201 { token, expiresAt }     a bearer token valid for 30 minutes
 *   GET  /me              → 200 { token, issuedAt } | 401 with `Authorization: Bearer <token>`
 *   GET  /admin/tokens    → 200 { count, cleanups, lastCleanupAt }   the token table and the cleanup job's record
 *   GET  /health          → 200 { status: 'UP' }
 *
 * Every hour a cleanup job deletes the expired tokens from the table.
 *
 * Production: `node server.ts`. Tests: `node --import unflake/clock/register server.ts` with a test's
 * `share.env` in the environment, and the process runs on the test's TestClock. It prints
 * `listening on <port>` once it accepts connections (PORT=0, the default, picks a free port).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

const TOKEN_TTL = Number(process.env.TOKEN_TTL_MS ?? 30 * 60_000);
const CLEANUP_EVERY = Number(process.env.CLEANUP_EVERY_MS ?? 60 * 60_000);

interface Token {
  issuedAt: number;
  expiresAt: number;
}
const tokens = new Map<string, Token>();
const cleanup = { runs: 0, lastAt: null as number | null, removed: 0 };

const cleanupJob = setInterval(() => {
  const now = Date.now();
  for (const [token, { expiresAt }] of tokens) {
    if (expiresAt <= now) {
      tokens.delete(token);
      cleanup.removed++;
    }
  }
  cleanup.runs++;
  cleanup.lastAt = now;
}, CLEANUP_EVERY);

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/tokens') {
    const token = randomBytes(16).toString('hex');
    const issuedAt = Date.now();
    const entry = { issuedAt, expiresAt: issuedAt + TOKEN_TTL };
    tokens.set(token, entry);
    return send(res, 201, { token, expiresAt: new Date(entry.expiresAt).toISOString() });
  }
  if (req.method === 'GET' && url.pathname === '/me') {
    const token = /^Bearer (\w+)$/.exec(req.headers.authorization ?? '')?.[1];
    const entry = token === undefined ? undefined : tokens.get(token);
    if (!entry || entry.expiresAt <= Date.now())
      return send(res, 401, { error: entry ? 'token expired' : 'unknown token' });
    return send(res, 200, { token, issuedAt: new Date(entry.issuedAt).toISOString() });
  }
  if (req.method === 'GET' && url.pathname === '/admin/tokens') {
    return send(res, 200, {
      count: tokens.size,
      cleanups: cleanup.runs,
      removed: cleanup.removed,
      lastCleanupAt: cleanup.lastAt === null ? null : new Date(cleanup.lastAt).toISOString(),
      now: new Date(Date.now()).toISOString(),
    });
  }
  if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { status: 'UP' });
  send(res, 404, { error: 'not found' });
}

const server = createServer(handle);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on ${typeof address === 'object' && address ? address.port : address}`);
});

const shutdown = () => {
  clearInterval(cleanupJob);
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
// A test (or a supervisor) that goes away closes our stdin: leave with it, never linger as an orphan.
if (process.env.EXIT_ON_STDIN_END === '1') process.stdin.on('end', shutdown).resume();

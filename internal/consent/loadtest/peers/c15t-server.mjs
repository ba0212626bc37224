// The c15t self-hosted backend (@c15t/backend) as its docs set it up for
// production: the Kysely adapter on PostgreSQL (docs/self-host/guides/
// database-setup.md in the package), its tables made by the package's own
// migrator, mounted on Node's http server. The consent load test starts it
// with DATABASE_URL and reads "listening PORT" from its first line.
import http from 'node:http';
import { c15tInstance } from '@c15t/backend';
import { kyselyAdapter } from '@c15t/backend/db/adapters/kysely';
import { migrator } from '@c15t/backend/db/migrator';
import { DB } from '@c15t/backend/db/schema';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

const db = new Kysely({
  // 8 connections, as the notis PostgreSQL store opens.
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 }) }),
});
const adapter = kyselyAdapter({ db, provider: 'postgresql' });
// The migrator plans the migration; execute() applies it.
const migration = await migrator({ db: DB.client(adapter), schema: 'latest' });
await migration.execute();

const c15t = c15tInstance({
  appName: 'notis-loadtest',
  basePath: '/',
  adapter,
  trustedOrigins: ['jobs.example.org'],
  advanced: { disableGeoLocation: true },
  logger: { level: 'error' },
});

const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).filter(([, v]) => typeof v === 'string'),
      body: hasBody ? Buffer.concat(chunks) : undefined,
    });
    const response = await c15t.handler(request);
    const body = Buffer.from(await response.arrayBuffer());
    const headers = {};
    response.headers.forEach((v, k) => {
      if (k !== 'transfer-encoding' && k !== 'content-length') headers[k] = v;
    });
    headers['content-length'] = body.length; // the load generator reads Content-Length
    res.writeHead(response.status, headers);
    res.end(body);
  } catch (err) {
    console.error(err);
    res.writeHead(500, { 'content-length': 0 });
    res.end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));

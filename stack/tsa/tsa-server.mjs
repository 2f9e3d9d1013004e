#!/usr/bin/env node
// A local stand-in for an RFC 3161 timestamp authority: real tokens, signed by `openssl ts -reply`
// with a development TSA key. For the local stack (off by default) and the contract seal's tests.
//   node stack/tsa/tsa-server.mjs --dir DIR [--host 127.0.0.1] [--port 3180]
// DIR holds tsa.key and tsa.crt (extendedKeyUsage critical timeStamping) and, optionally,
// chain.crt (issuer certificates to put into tokens); the server keeps its serial number there.
// POST a TimeStampReq (application/timestamp-query) to any path; the answer is a TimeStampResp.
// Prints "TSA listening on http://HOST:PORT" once ready (--port 0 picks a free port).
// Only Node's standard library and the openssl command line are used.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '3180' },
  },
});
if (!values.dir) {
  console.error('usage: tsa-server.mjs --dir DIR [--host 127.0.0.1] [--port 3180]');
  process.exit(2);
}
const dir = resolve(values.dir);
for (const file of ['tsa.key', 'tsa.crt']) {
  if (!existsSync(join(dir, file))) {
    console.error(`tsa-server: ${join(dir, file)} is missing`);
    process.exit(2);
  }
}
const chain = join(dir, 'chain.crt');
const config = join(dir, 'tsa.cnf');
// The policy OIDs are OpenSSL's examples: a development TSA has no policy anyone relies on.
writeFileSync(
  config,
  `[ tsa ]
default_tsa = dev_tsa

[ dev_tsa ]
serial = ${join(dir, 'tsa.serial')}
crypto_device = builtin
signer_cert = ${join(dir, 'tsa.crt')}
signer_key = ${join(dir, 'tsa.key')}
${existsSync(chain) ? `certs = ${chain}\n` : ''}signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6, 1.2.3.4.5.7
digests = sha256, sha384, sha512
accuracy = secs:1
clock_precision_digits = 0
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`,
);
if (!existsSync(join(dir, 'tsa.serial'))) writeFileSync(join(dir, 'tsa.serial'), '01\n');

const MAX_QUERY = 64 * 1024;
let queue = Promise.resolve(); // openssl updates the serial file: one reply at a time

function reply(query) {
  const work = queue.then(
    () =>
      new Promise((done, fail) => {
        const tmp = mkdtempSync(join(tmpdir(), 'tsa-'));
        const [tsq, tsr] = [join(tmp, 'query.tsq'), join(tmp, 'reply.tsr')];
        writeFileSync(tsq, query);
        execFile(
          'openssl',
          ['ts', '-reply', '-config', config, '-queryfile', tsq, '-out', tsr],
          { timeout: 10_000 },
          (error, _stdout, stderr) => {
            try {
              if (error) fail(new Error(`openssl ts -reply failed: ${stderr || error.message}`));
              else done(readFileSync(tsr));
            } finally {
              rmSync(tmp, { recursive: true, force: true });
            }
          },
        );
      }),
  );
  queue = work.catch(() => undefined);
  return work;
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  if (!String(req.headers['content-type']).startsWith('application/timestamp-query')) {
    res.writeHead(415).end('expected application/timestamp-query\n');
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_QUERY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    reply(Buffer.concat(chunks)).then(
      (body) => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(body),
      (e) => {
        console.error(`tsa-server: ${e.message}`);
        res.writeHead(400).end('bad timestamp query\n');
      },
    );
  });
});

server.listen(Number(values.port), values.host, () => {
  const { address, port } = server.address();
  console.log(`TSA listening on http://${address}:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));

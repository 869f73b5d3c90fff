// Verifies a Warden token the way an off-the-shelf verifier does: panva's `jose`
// (createRemoteJWKSet + jwtVerify, pinned by tests/tools/package-lock.json), with nothing but
// the server's JWKS URL, its issuer and its audience. tests/e2e/http_interop_test.cc runs it.
//
// Usage: node jwks_jose.mjs JWKS_URL ISSUER AUDIENCE TOKEN
// Prints {"kid", "alg", "claims"} and exits 0 when the token verifies; exits 1 with jose's
// reason on stderr when it does not.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const tools = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'tools');
if (!existsSync(path.join(tools, 'node_modules', 'jose', 'package.json'))) {
  process.stderr.write(`jose is not installed in ${tools}/node_modules: run ` +
                       '`npm ci --prefix tests/tools` (./scripts/test does).\n');
  process.exit(2);
}
const { createRemoteJWKSet, jwtVerify } = createRequire(path.join(tools, 'package.json'))('jose');

const [jwksUrl, issuer, audience, token] = process.argv.slice(2);
if (!token) {
  process.stderr.write('usage: node jwks_jose.mjs JWKS_URL ISSUER AUDIENCE TOKEN\n');
  process.exit(2);
}
try {
  const jwks = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 10_000 });
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience });
  process.stdout.write(JSON.stringify({ kid: protectedHeader.kid, alg: protectedHeader.alg, claims: payload }) + '\n');
} catch (e) {
  process.stderr.write(`jose rejected the token: ${e.code || e.name}: ${e.message}\n`);
  process.exit(1);
}

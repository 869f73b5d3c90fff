'use strict';
// Interoperability: an independent client that has none of Warden's .proto files drives a
// real warden-server through server reflection only, as grpcurl or any other language does.
// The client is Node's @grpc/grpc-js with grpc-js-reflection-client, pinned by
// tests/tools/package-lock.json (`npm ci --prefix tests/tools`; ./scripts/test runs it).
//
// It makes its own database on the test PostgreSQL (CTest fixture `postgres`), starts the
// server on a free port, waits for health SERVING, then lists every service (reflection v1 and
// v1alpha), describes every method, and mints, lists and revokes a token. The server is
// killed and the database dropped whatever happens.
//
// Environment (CTest sets the first two):
//   WARDEN_SERVER_BINARY      the warden-server to run
//   WARDEN_TEST_PG_ENV        file with a WARDEN_TEST_DATABASE_URL=... line (from the fixture),
//                             or WARDEN_TEST_DATABASE_URL itself
//   WARDEN_TEST_PSQL          psql to create and drop the database (default /usr/bin/psql)

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

// --- Pinned Node modules, from tests/tools only ---------------------------------------------

const TOOLS_DIR = path.resolve(__dirname, '..', 'tools');

function fatal(message) {
  process.stderr.write(`reflection_client_test: ${message}\n`);
  process.exit(1);
}

for (const module of ['@grpc/grpc-js', 'grpc-js-reflection-client', 'google-protobuf']) {
  if (!fs.existsSync(path.join(TOOLS_DIR, 'node_modules', module, 'package.json'))) {
    fatal(`${module} is not installed in ${TOOLS_DIR}/node_modules: run ` +
          '`npm ci --prefix tests/tools` (./scripts/test does).');
  }
}
const toolsRequire = createRequire(path.join(TOOLS_DIR, 'package.json'));
const grpc = toolsRequire('@grpc/grpc-js');
const { GrpcReflection } = toolsRequire('grpc-js-reflection-client');
// google-protobuf is a dependency of grpc-js-reflection-client (same lock file); its
// descriptor_pb keeps SourceCodeInfo, which protobufjs's descriptor drops.
const descriptorPb = toolsRequire('google-protobuf/google/protobuf/descriptor_pb');

// --- Configuration --------------------------------------------------------------------------

const EXPECTED_SERVICES = [
  'grpc.health.v1.Health',
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
  'warden.v1.AuthService',
  'warden.v1.TokenService',
];
const REFLECTION_VERSIONS = ['v1', 'v1alpha'];  // grpc-js-reflection-client speaks both
const STARTUP_TIMEOUT_MS = 60_000;
const CALL_TIMEOUT_MS = 15_000;
const UNAUTHENTICATED = grpc.status.UNAUTHENTICATED;  // 16
// protoLoader options: field names as in the .proto, enums as their names.
const LOADER_OPTIONS = { keepCase: true, enums: String, longs: String, defaults: true, oneofs: true };

function serverBinary() {
  const binary = process.env.WARDEN_SERVER_BINARY;
  if (!binary) fatal('WARDEN_SERVER_BINARY is not set (CTest sets it to the warden-server target).');
  if (!fs.existsSync(binary)) {
    fatal(`WARDEN_SERVER_BINARY=${binary} does not exist: build the target \`warden-server\` first.`);
  }
  return binary;
}

const HOW_TO_RUN = 'Run it through CTest (`ctest -R reflection_client`) or ./scripts/test, which ' +
                   'start the `postgres` fixture, or set WARDEN_TEST_DATABASE_URL.';

function serverUrl() {
  if (process.env.WARDEN_TEST_DATABASE_URL) return process.env.WARDEN_TEST_DATABASE_URL;
  const envFile = process.env.WARDEN_TEST_PG_ENV;
  if (!envFile) fatal(`No test PostgreSQL: neither WARDEN_TEST_DATABASE_URL nor WARDEN_TEST_PG_ENV is set. ${HOW_TO_RUN}`);
  let text = '';
  try {
    text = fs.readFileSync(envFile, 'utf8');
  } catch (e) {
    fatal(`No test PostgreSQL: cannot read ${envFile} (${e.message}); the fixture test ` +
          `postgres_start did not run or failed. ${HOW_TO_RUN}`);
  }
  const line = text.split('\n').find((l) => l.startsWith('WARDEN_TEST_DATABASE_URL='));
  if (!line) fatal(`No test PostgreSQL: ${envFile} has no WARDEN_TEST_DATABASE_URL line. ${HOW_TO_RUN}`);
  return line.slice('WARDEN_TEST_DATABASE_URL='.length).trim();
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function psql(url, sql) {
  const psqlBinary = process.env.WARDEN_TEST_PSQL || '/usr/bin/psql';
  childProcess.execFileSync(psqlBinary, ['--no-psqlrc', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
                            { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// --- The server under test, and its cleanup -------------------------------------------------

const env = {
  adminUrl: null,    // the fixture's server, for CREATE/DROP DATABASE
  database: null,    // our database's name while it exists
  workDir: null,     // data dir and server log
  server: null,      // the child process while it runs
  serverExit: null,  // resolves with the exit description once it has exited
  address: null,
  adminAuth: null,
};

function serverLog() {
  try {
    return fs.readFileSync(path.join(env.workDir, 'server.log'), 'utf8');
  } catch {
    return '(no server log)';
  }
}

// Synchronous, idempotent, safe from `exit` and signal handlers.
function cleanup() {
  if (env.server && env.server.exitCode === null && env.server.signalCode === null) {
    try { env.server.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (env.database) {
    const name = env.database;
    env.database = null;
    try {
      psql(env.adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } catch (e) {
      process.stderr.write(`reflection_client_test: could not drop database ${name}: ${e.stderr || e.message}\n`);
    }
  }
}

process.on('exit', (code) => {
  cleanup();
  if (env.workDir) {
    if ((code || process.exitCode) && fs.existsSync(env.workDir)) {
      process.stderr.write(`\n----- warden-server log -----\n${serverLog()}\n----- end of log -----\n`);
    }
    fs.rmSync(env.workDir, { recursive: true, force: true });
  }
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    process.stderr.write(`reflection_client_test: ${signal}, stopping the server\n`);
    process.exit(1);
  });
}

async function startServer() {
  const binary = serverBinary();
  env.adminUrl = serverUrl();
  const name = `warden_node_${crypto.randomBytes(8).toString('hex')}`;
  try {
    psql(env.adminUrl, `CREATE DATABASE "${name}"`);
  } catch (e) {
    throw new Error(`cannot create database ${name} on ${env.adminUrl}: ${e.stderr || e.message}`);
  }
  env.database = name;

  env.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-node-'));
  const dataDir = path.join(env.workDir, 'data');
  env.address = `127.0.0.1:${await freeTcpPort()}`;
  const log = fs.openSync(path.join(env.workDir, 'server.log'), 'w');
  env.server = childProcess.spawn(binary, [], {
    env: {
      ...process.env,
      WARDEN_DATABASE_URL: withDatabase(env.adminUrl, name),
      WARDEN_LISTEN: env.address,
      WARDEN_DATA_DIR: dataDir,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  env.serverExit = new Promise((resolve) => {
    env.server.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
    env.server.once('error', (e) => resolve(`spawn error: ${e.message}`));
  });

  await waitServing(Date.now() + STARTUP_TIMEOUT_MS);

  // Written by the server before it listens.
  const password = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').replace(/\n+$/, '');
  assert.ok(password, `${dataDir}/admin-password is empty`);
  env.adminAuth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
}

async function stopServer() {
  if (!env.server) return;
  if (env.server.exitCode === null && env.server.signalCode === null) env.server.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout').unref());
  if (await Promise.race([env.serverExit, timeout]) === 'timeout') env.server.kill('SIGKILL');
  await env.serverExit;
}

// Rejects as soon as the server process exits.
function unlessServerExits(promise) {
  return Promise.race([
    promise,
    env.serverExit.then((how) => { throw new Error(`warden-server exited early (${how})`); }),
  ]);
}

// Health comes from reflection too: the Health service's descriptor, then Watch until SERVING.
// Before the server listens the reflection call fails at once; it is retried with a short
// backoff until the deadline (or the server exits). Watch then streams every status change.
async function waitServing(deadline) {
  let health = null;
  let lastError = null;
  while (health === null) {
    if (Date.now() > deadline) {
      throw new Error(`no reflection answer from ${env.address} within ${STARTUP_TIMEOUT_MS} ms: ${lastError}`);
    }
    const reflection = newReflection('v1');
    try {
      const descriptor = await unlessServerExits(
        reflection.getDescriptorBySymbol('grpc.health.v1.Health', new grpc.Metadata(), callOptions(2_000)));
      health = new (descriptor.getPackageObject(LOADER_OPTIONS).grpc.health.v1.Health)(
        env.address, grpc.credentials.createInsecure());
    } catch (e) {
      if (/exited early/.test(e.message)) throw e;
      lastError = e.message;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      closeReflection(reflection);
    }
  }
  try {
    await unlessServerExits(new Promise((resolve, reject) => {
      const seen = [];
      const call = health.Watch({ service: '' }, { deadline: new Date(deadline) });
      call.on('data', (response) => {
        seen.push(response.status);
        if (response.status === 'SERVING') {
          call.cancel();
          resolve();
        }
      });
      call.on('error', (e) => {
        if (e.code !== grpc.status.CANCELLED) {
          reject(new Error(`health Watch ended before SERVING (statuses seen: ${seen.join(', ') || 'none'}): ${e.message}`));
        }
      });
    }));
  } finally {
    health.close();
  }
}

// --- Reflection and calls -------------------------------------------------------------------

function callOptions(ms = CALL_TIMEOUT_MS) {
  return { deadline: new Date(Date.now() + ms) };
}

function newReflection(version) {
  return new GrpcReflection(env.address, grpc.credentials.createInsecure(), {}, version);
}

function closeReflection(reflection) {
  // The library keeps its grpc-js client in a (TypeScript-private) field; close it so that no
  // channel outlives the test.
  if (reflection && reflection.client && typeof reflection.client.close === 'function') {
    reflection.client.close();
  }
}

function unary(client, method, request, authorization) {
  const metadata = new grpc.Metadata();
  if (authorization) metadata.set('authorization', authorization);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, callOptions(), (error, response) => {
      if (error) reject(error); else resolve(response);
    });
  });
}

// Leading comments of a service and its methods, from the raw FileDescriptorProto that
// reflection returned. grpc-js-reflection-client decodes files with protobufjs, which drops
// SourceCodeInfo, so the raw bytes are taken from its (TypeScript-private, plain JS)
// getProtoDescriptorBySymbol and decoded with google-protobuf. Returns null if that is gone.
async function serviceComments(reflection, serviceName) {
  if (typeof reflection.getProtoDescriptorBySymbol !== 'function') return null;
  const files = await reflection.getProtoDescriptorBySymbol(serviceName, new grpc.Metadata(), callOptions());
  const shortName = serviceName.slice(serviceName.lastIndexOf('.') + 1);
  const packageName = serviceName.slice(0, serviceName.lastIndexOf('.'));
  for (const bytes of files) {
    const file = descriptorPb.FileDescriptorProto.deserializeBinary(new Uint8Array(bytes));
    if (file.getPackage() !== packageName) continue;
    const serviceIndex = file.getServiceList().findIndex((s) => s.getName() === shortName);
    if (serviceIndex < 0) continue;
    const comments = new Map();
    const locations = file.getSourceCodeInfo() ? file.getSourceCodeInfo().getLocationList() : [];
    for (const location of locations) {
      const p = location.getPathList();
      // FileDescriptorProto.service = 6, ServiceDescriptorProto.method = 2.
      if (p[0] !== 6 || p[1] !== serviceIndex) continue;
      if (p.length === 2) comments.set(serviceName, location.getLeadingComments());
      if (p.length === 4 && p[2] === 2) {
        comments.set(file.getServiceList()[serviceIndex].getMethodList()[p[3]].getName(),
                     location.getLeadingComments());
      }
    }
    return comments;
  }
  throw new Error(`no file in the reflection answer for ${serviceName} defines it`);
}

// --- The tests --------------------------------------------------------------------------------

describe('warden-server through reflection only (@grpc/grpc-js + grpc-js-reflection-client)', () => {
  const reflections = {};
  const clients = [];
  let warden = null;  // the package object built from reflected descriptors
  const state = {};

  before(async () => {
    await startServer();
    for (const version of REFLECTION_VERSIONS) reflections[version] = newReflection(version);
  });

  after(async () => {
    for (const reflection of Object.values(reflections)) closeReflection(reflection);
    for (const client of clients) client.close();
    await stopServer();
    cleanup();
  });

  for (const version of REFLECTION_VERSIONS) {
    it(`lists every service over grpc.reflection.${version}`, async () => {
      const services = await reflections[version].listServices('*', new grpc.Metadata(), callOptions());
      for (const name of EXPECTED_SERVICES) {
        assert.ok(services.includes(name),
                  `reflection ${version} list_services lacks ${name}; it returned: ${JSON.stringify(services)}`);
      }
    });

    it(`describes every method of every service over grpc.reflection.${version}`, async () => {
      const services = await reflections[version].listServices('*', new grpc.Metadata(), callOptions());
      let described = 0;
      for (const serviceName of services) {
        const descriptor = await reflections[version].getDescriptorBySymbol(
          serviceName, new grpc.Metadata(), callOptions());
        const root = descriptor.getProtobufJsRoot();
        const service = root.lookupService(serviceName);
        const methods = Object.values(service.methods);
        assert.ok(methods.length > 0, `${serviceName} has no methods in its reflected descriptor`);
        for (const method of methods) {
          const where = `${serviceName}/${method.name}`;
          method.resolve();
          assert.ok(method.resolvedRequestType, `${where}: request type ${method.requestType} does not resolve`);
          assert.ok(method.resolvedResponseType, `${where}: response type ${method.responseType} does not resolve`);
          // Every field type (e.g. google.protobuf.Timestamp, warden.v1.AccessLevel) resolves too.
          for (const type of [method.resolvedRequestType, method.resolvedResponseType]) {
            for (const field of type.fieldsArray) {
              assert.doesNotThrow(() => field.resolve(),
                                  `${where}: field ${type.fullName}.${field.name} (${field.type}) does not resolve`);
            }
          }
          described++;
        }
        // The same descriptors give grpc-js a callable client for the service.
        const methodNames = (await reflections[version].listMethods(serviceName, new grpc.Metadata(), callOptions()))
          .map((m) => m.name).sort();
        assert.deepEqual(methodNames, methods.map((m) => m.name).sort(),
                         `${serviceName}: grpc-js client methods differ from the descriptor's`);
      }
      assert.ok(described >= 9, `only ${described} methods described across ${services.length} services`);
    });
  }

  it('has the .proto comments in the reflected descriptors', async (t) => {
    const comments = await serviceComments(reflections.v1, 'warden.v1.TokenService');
    if (comments === null) {
      t.skip('grpc-js-reflection-client no longer exposes the raw descriptor bytes');
      return;
    }
    assert.match(comments.get('warden.v1.TokenService') || '', /Mints, lists and revokes API tokens/,
                 'warden.v1.TokenService has no (or the wrong) leading comment in its reflected descriptor');
    for (const serviceName of ['warden.v1.TokenService', 'warden.v1.AuthService']) {
      const serviceComments_ = serviceName === 'warden.v1.TokenService'
        ? comments : await serviceComments(reflections.v1, serviceName);
      const root = (await reflections.v1.getDescriptorBySymbol(serviceName, new grpc.Metadata(), callOptions()))
        .getProtobufJsRoot();
      for (const method of Object.keys(root.lookupService(serviceName).methods)) {
        assert.ok((serviceComments_.get(method) || '').trim().length > 0,
                  `${serviceName}/${method} has no leading comment in its reflected descriptor`);
      }
    }
  });

  it('builds grpc-js clients for Warden from reflection alone', async () => {
    const descriptor = await reflections.v1.getDescriptorBySymbol(
      'warden.v1.TokenService', new grpc.Metadata(), callOptions());
    const authDescriptor = await reflections.v1.getDescriptorBySymbol(
      'warden.v1.AuthService', new grpc.Metadata(), callOptions());
    const tokenPackage = descriptor.getPackageObject(LOADER_OPTIONS);
    const authPackage = authDescriptor.getPackageObject(LOADER_OPTIONS);
    assert.equal(typeof tokenPackage.warden?.v1?.TokenService, 'function', 'no warden.v1.TokenService client');
    assert.equal(typeof authPackage.warden?.v1?.AuthService, 'function', 'no warden.v1.AuthService client');
    const credentials = grpc.credentials.createInsecure();
    warden = {
      tokens: new tokenPackage.warden.v1.TokenService(env.address, credentials),
      auth: new authPackage.warden.v1.AuthService(env.address, credentials),
    };
    clients.push(warden.tokens, warden.auth);

    const me = await unary(warden.auth, 'GetAuthStatus', {}, env.adminAuth);
    assert.equal(me.identity?.kind, 'IDENTITY_KIND_ADMIN', `admin GetAuthStatus: ${JSON.stringify(me)}`);
  });

  it('mints a token as admin (GenerateToken)', async () => {
    assert.ok(warden, 'no Warden clients: the previous test failed');
    const name = `node-reflection-${crypto.randomBytes(4).toString('hex')}`;
    const response = await unary(warden.tokens, 'GenerateToken', { name, roles: ['Analyst'] }, env.adminAuth);
    assert.ok(typeof response.token === 'string' && response.token.split('.').length === 3,
              `GenerateToken returned no JWT: ${JSON.stringify(response)}`);
    assert.equal(response.metadata?.name, name, 'GenerateToken: wrong metadata.name');
    assert.deepEqual(response.metadata?.roles, ['Analyst'], 'GenerateToken: wrong metadata.roles');
    assert.equal(response.metadata?.revoked, false, 'GenerateToken: a new token is revoked');
    assert.match(response.metadata?.id || '', /^[0-9a-f-]{36}$/, 'GenerateToken: metadata.id is not a UUID');
    Object.assign(state, { name, token: response.token, id: response.metadata.id });
  });

  it('finds the token in ListTokens', async () => {
    assert.ok(state.id, 'no token: GenerateToken failed above');
    let found = null;
    let pageToken = '';
    for (let page = 0; page < 100 && !found; page++) {
      const response = await unary(warden.tokens, 'ListTokens', { page_size: 100, page_token: pageToken },
                                   env.adminAuth);
      found = response.tokens.find((t) => t.id === state.id) || null;
      pageToken = response.next_page_token;
      if (!pageToken) break;
    }
    assert.ok(found, `ListTokens does not list token ${state.id}`);
    assert.equal(found.name, state.name, 'ListTokens: wrong name');
    assert.deepEqual(found.roles, ['Analyst'], 'ListTokens: wrong roles');
  });

  it('authenticates with the token (GetAuthStatus, Bearer)', async () => {
    assert.ok(state.token, 'no token: GenerateToken failed above');
    const response = await unary(warden.auth, 'GetAuthStatus', {}, `Bearer ${state.token}`);
    assert.equal(response.identity?.kind, 'IDENTITY_KIND_API_TOKEN',
                 `GetAuthStatus with the token: ${JSON.stringify(response)}`);
    assert.equal(response.identity.id, state.id, 'GetAuthStatus: identity.id is not the token id');
    assert.deepEqual(response.identity.roles, ['Analyst'], 'GetAuthStatus: wrong roles');
  });

  it('revokes the token (RevokeToken), which is then UNAUTHENTICATED', async () => {
    assert.ok(state.token, 'no token: GenerateToken failed above');
    const response = await unary(warden.tokens, 'RevokeToken', { id: state.id }, env.adminAuth);
    assert.equal(response.token?.id, state.id, 'RevokeToken: wrong token id');
    assert.equal(response.token?.revoked, true, `RevokeToken: not revoked: ${JSON.stringify(response)}`);

    await assert.rejects(
      unary(warden.auth, 'GetAuthStatus', {}, `Bearer ${state.token}`),
      (e) => {
        assert.equal(e.code, UNAUTHENTICATED,
                     `GetAuthStatus with a revoked token: want code ${UNAUTHENTICATED} (UNAUTHENTICATED), ` +
                     `got ${e.code} (${e.details || e.message})`);
        return true;
      },
      'GetAuthStatus with a revoked token succeeded');
  });
});

// A real OpenID Provider for Warden's OIDC tests: panva's oidc-provider (an OpenID-certified
// implementation, pinned by tests/tools/package-lock.json) served over HTTPS on 127.0.0.1,
// with static clients, a few users with `email` and `groups` claims, and a minimal login page
// of its own that a browser (Playwright) or a plain HTTP client with a cookie jar can fill.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// Once listening it prints one line of JSON to stdout, {"issuer":"https://127.0.0.1:PORT",
// "port":PORT}, and runs until SIGTERM or SIGINT (then exits 0). Everything else it says goes to
// stderr. tests/oidc/README.md describes the configuration and the flows.
//
// Exit codes: 0 stopped by a signal; 2 bad usage or configuration; 1 anything else.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';

// stdout carries the one JSON line and nothing else: oidc-provider prints its notices with
// console.info (stdout), so every console method is sent to stderr before it is loaded.
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace']) {
  console[method] = (...args) => { process.stderr.write(`${format(...args)}\n`); };
}
const log = (...args) => process.stderr.write(`oidc-test-provider: ${format(...args)}\n`);

function fail(message, code = 2) {
  log(message);
  process.exit(code);
}

// ---- configuration -------------------------------------------------------------------------

const configPath = process.argv[2];
if (!configPath || process.argv.length > 3) {
  fail('usage: node tests/oidc/provider.mjs CONFIG.json');
}
let config;
try {
  config = JSON.parse(readFileSync(configPath, 'utf8'));
} catch (e) {
  fail(`cannot read ${configPath}: ${e.message}`);
}
// Paths in the configuration are relative to the configuration file.
const configDir = path.dirname(path.resolve(configPath));
const readConfigFile = (key) => {
  if (typeof config[key] !== 'string' || !config[key]) fail(`config: "${key}" (a file path) is required`);
  try {
    return readFileSync(path.resolve(configDir, config[key]));
  } catch (e) {
    return fail(`config: cannot read "${key}" ${config[key]}: ${e.message}`);
  }
};

const tlsCert = readConfigFile('cert');
const tlsKey = readConfigFile('key');
const host = config.host ?? '127.0.0.1';
const listenPort = config.port ?? 0;
if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) fail('config: "port" must be 0..65535');

// Users: sub (or id), email, name, groups, password; email_verified defaults to true.
if (!Array.isArray(config.users) || config.users.length === 0) fail('config: "users" must be a non-empty array');
const users = config.users.map((u, i) => {
  const sub = u.sub ?? u.id;
  if (typeof sub !== 'string' || !sub) fail(`config: users[${i}] needs "sub" (or "id")`);
  if (typeof u.email !== 'string' || !u.email) fail(`config: users[${i}] needs "email"`);
  if (typeof u.password !== 'string') fail(`config: users[${i}] needs "password"`);
  if (u.groups !== undefined && !(Array.isArray(u.groups) && u.groups.every((g) => typeof g === 'string'))) {
    fail(`config: users[${i}].groups must be an array of strings`);
  }
  return {
    sub,
    email: u.email,
    email_verified: u.email_verified ?? true,
    name: u.name ?? sub,
    groups: u.groups ?? [],
    password: u.password,
  };
});
const usersBySub = new Map(users.map((u) => [u.sub, u]));
const usersByEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
if (usersBySub.size !== users.length || usersByEmail.size !== users.length) fail('config: user subs and emails must be unique');

// Clients: oidc-provider client metadata (snake_case, as in RFC 7591), plus one key of ours,
// "id_token_ttl" (seconds), that overrides the ID token lifetime for that client alone.
if (!Array.isArray(config.clients) || config.clients.length === 0) fail('config: "clients" must be a non-empty array');
const idTokenTtlByClient = new Map();
const clients = config.clients.map((c, i) => {
  const { id_token_ttl: idTokenTtl, ...metadata } = c;
  if (typeof metadata.client_id !== 'string') fail(`config: clients[${i}] needs "client_id"`);
  if (idTokenTtl !== undefined) {
    if (!Number.isSafeInteger(idTokenTtl) || idTokenTtl <= 0) fail(`config: clients[${i}].id_token_ttl must be a positive integer`);
    idTokenTtlByClient.set(metadata.client_id, idTokenTtl);
  }
  return metadata;
});

// Lifetimes in seconds. snake_case keys here; oidc-provider's own names (IdToken, ...) work too.
const ttlNames = {
  access_token: 'AccessToken',
  authorization_code: 'AuthorizationCode',
  client_credentials: 'ClientCredentials',
  device_code: 'DeviceCode',
  grant: 'Grant',
  id_token: 'IdToken',
  interaction: 'Interaction',
  refresh_token: 'RefreshToken',
  session: 'Session',
};
const ttl = {
  AccessToken: 3600,
  AuthorizationCode: 60,
  ClientCredentials: 600,
  DeviceCode: 600,
  Grant: 24 * 3600,
  IdToken: 3600,
  Interaction: 3600,
  RefreshToken: 24 * 3600,
  Session: 24 * 3600,
};
for (const [key, value] of Object.entries(config.ttl ?? {})) {
  const name = ttlNames[key] ?? (Object.values(ttlNames).includes(key) ? key : undefined);
  if (!name) fail(`config: unknown ttl "${key}" (known: ${Object.keys(ttlNames).join(', ')})`);
  if (!Number.isSafeInteger(value) || value <= 0) fail(`config: ttl.${key} must be a positive integer (seconds)`);
  ttl[name] = value;
}
const globalIdTokenTtl = ttl.IdToken;
// A regular function (not an arrow): oidc-provider's ttl check insists on one.
ttl.IdToken = function IdTokenTTL(ctx, token, client) {
  return idTokenTtlByClient.get(client?.clientId) ?? globalIdTokenTtl;
};

const pkceRequired = config.pkce_required ?? true;
const strictClientAuth = config.strict_client_auth ?? true;
const deviceFlow = config.device_flow ?? {};
if (deviceFlow.interval !== undefined && (!Number.isSafeInteger(deviceFlow.interval) || deviceFlow.interval <= 0)) {
  fail('config: device_flow.interval must be a positive integer (seconds)');
}

// Signing keys: a JWK Set with private keys from "jwks" (a file), or fresh ones for this run:
// RSA (RS256, the default ID token alg) and P-256 (for clients that ask for ES256).
let jwks;
if (config.jwks !== undefined) {
  try {
    jwks = JSON.parse(readConfigFile('jwks').toString('utf8'));
  } catch (e) {
    fail(`config: "jwks" is not a JWK Set: ${e.message}`);
  }
} else {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  jwks = { keys: [{ ...rsa, use: 'sig', alg: 'RS256' }, { ...ec, use: 'sig', alg: 'ES256' }] };
}

// ---- oidc-provider -------------------------------------------------------------------------

const tools = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'tools');
if (!existsSync(path.join(tools, 'node_modules', 'oidc-provider', 'package.json'))) {
  fail(`oidc-provider is not installed in ${tools}/node_modules: run \`npm ci --prefix tests/tools\``);
}
// oidc-provider is ESM only: resolve its entry point from tests/tools, then import it.
const entry = createRequire(path.join(tools, 'package.json')).resolve('oidc-provider');
const { Provider, errors: oidcErrors } = await import(pathToFileURL(entry).href);

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin-top:1rem}
input{display:block;width:100%;box-sizing:border-box;padding:.4rem;font-size:1rem}
button{margin-top:1.2rem;padding:.5rem 1.2rem;font-size:1rem}
.error{color:#b00020}
</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>`;
}

function loginPage({ uid, clientName, email = '', error }) {
  return page('Sign in', `<p>to continue to <strong>${esc(clientName)}</strong></p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="email">Email</label>
<input id="email" name="email" type="email" value="${esc(email)}" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p><a href="/interaction/${esc(uid)}/abort">Cancel</a></p>`);
}

// The device flow's pages. The user-code form carries confirm=yes, so one submission goes on to
// the login page (no separate confirmation page); verification_uri_complete still shows the
// confirmation page below.
const xsrfOf = (form) => /name="xsrf" value="([^"]*)"/.exec(form)?.[1] ?? '';

async function userCodeInputSource(ctx, form, out, err) {
  let message = '';
  if (err && (err.userCode || err.name === 'NoCodeError')) {
    message = 'The code you entered is incorrect. Try again.';
  } else if (err && err.name === 'AbortedError') {
    message = 'The sign-in request was interrupted.';
  } else if (err) {
    message = 'There was an error processing your request.';
  }
  ctx.type = 'html';
  ctx.body = page('Connect a device', `<p>Enter the code displayed on your device.</p>
${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
<form method="post" action="${esc(ctx.oidc.urlFor('code_verification'))}" autocomplete="off">
<input type="hidden" name="xsrf" value="${esc(xsrfOf(form))}">
<input type="hidden" name="confirm" value="yes">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocomplete="off" required autofocus>
<button type="submit">Continue</button>
</form>`);
}

async function userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
  ctx.type = 'html';
  ctx.body = page('Confirm device', `<p><strong>${esc(client.clientName || client.clientId)}</strong> asks to sign in.
The code shown on your device should be <code id="user_code">${esc(userCode)}</code>.</p>
<form method="post" action="${esc(ctx.oidc.urlFor('code_verification'))}">
<input type="hidden" name="xsrf" value="${esc(xsrfOf(form))}">
<input type="hidden" name="user_code" value="${esc(userCode)}">
<input type="hidden" name="confirm" value="yes">
<button type="submit">Continue</button>
</form>
<form method="post" action="${esc(ctx.oidc.urlFor('code_verification'))}">
<input type="hidden" name="xsrf" value="${esc(xsrfOf(form))}">
<input type="hidden" name="user_code" value="${esc(userCode)}">
<input type="hidden" name="abort" value="yes">
<button type="submit">Abort</button>
</form>`);
}

async function successSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Device connected', `<p id="device-success">Your sign-in with
<strong>${esc(ctx.oidc.client.clientName || ctx.oidc.client.clientId)}</strong> was successful.
You can close this page.</p>`);
}

async function logoutSource(ctx, form) {
  ctx.type = 'html';
  ctx.body = page('Sign out', `<p>Do you want to sign out of the test provider?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<p>You are signed out.</p>');
}

async function renderError(ctx, out, error) {
  ctx.type = 'html';
  ctx.body = page('Error', Object.entries(out)
    .map(([k, v]) => `<p><strong>${esc(k)}</strong>: <span class="${esc(k)}">${esc(v)}</span></p>`).join('\n'));
}

const configuration = {
  clients,
  jwks,
  cookies: {
    keys: config.cookie_keys ?? [crypto.randomBytes(32).toString('base64url')],
  },
  async findAccount(ctx, sub) {
    const user = usersBySub.get(sub);
    if (!user) return undefined;
    return {
      accountId: user.sub,
      // oidc-provider keeps only the claims that the granted scopes (or the claims parameter)
      // ask for: sub for openid, email + email_verified for email, name for profile, groups.
      async claims() {
        return {
          sub: user.sub,
          email: user.email,
          email_verified: user.email_verified,
          name: user.name,
          groups: [...user.groups],
        };
      },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
  // The authorization-code flow only: no implicit or hybrid response types.
  responseTypes: ['code'],
  // Put the scope claims (email, groups, ...) into the ID token itself, as most IdPs do.
  // oidc-provider's default (true) keeps them to userinfo in the code flow: the ID token then
  // has sub alone (plus what the claims parameter asks for). "conform_id_token_claims": true
  // brings that back, for a test of a relying party that must call userinfo.
  conformIdTokenClaims: config.conform_id_token_claims ?? false,
  pkce: {
    required: () => pkceRequired,
  },
  ttl,
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  features: {
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    deviceFlow: {
      enabled: true,
      charset: deviceFlow.charset ?? 'base-20',
      mask: deviceFlow.mask ?? '****-****',
      userCodeInputSource,
      userCodeConfirmSource,
      successSource,
    },
    revocation: { enabled: true },
    introspection: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
  },
  renderError,
};

// ---- the interactions: login form and automatic consent ------------------------------------

async function readForm(ctx) {
  const type = ctx.get('content-type') || '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    ctx.throw(415, 'expected an application/x-www-form-urlencoded form');
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > 64 * 1024) ctx.throw(413, 'form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function passwordMatches(user, password) {
  const a = crypto.createHash('sha256').update(user.password).digest();
  const b = crypto.createHash('sha256').update(password).digest();
  return crypto.timingSafeEqual(a, b);
}

async function finish(provider, ctx, result, mergeWithLastSubmission) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

// Consent is granted at once for every scope and claim the client asked for.
async function autoConsent(provider, ctx, details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  log(`consent: ${session.accountId} -> ${params.client_id} (${params.scope ?? ''})`);
  await finish(provider, ctx, { consent: { grantId: await grant.save() } }, true);
}

function interactions(provider) {
  return async function interactionRoutes(ctx, next) {
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/.exec(ctx.path);
    if (!m) return next();
    const [, uid, action] = m;
    ctx.set('cache-control', 'no-store');
    try {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      if (details.uid !== uid) ctx.throw(400, 'interaction uid does not match its cookie');
      const { prompt, params } = details;
      const client = await provider.Client.find(params.client_id);
      const clientName = client?.clientName || params.client_id;

      if (!action && ctx.method === 'GET') {
        if (prompt.name === 'login') {
          ctx.type = 'html';
          ctx.body = loginPage({ uid, clientName, email: params.login_hint ?? '' });
          return undefined;
        }
        if (prompt.name === 'consent') return autoConsent(provider, ctx, details);
        ctx.throw(501, `prompt ${prompt.name} is not implemented by the test provider`);
      }
      if (action === '/login' && ctx.method === 'POST') {
        if (prompt.name !== 'login') ctx.throw(400, `the interaction asks for ${prompt.name}, not login`);
        const form = await readForm(ctx);
        const email = (form.get('email') ?? '').trim();
        const user = usersByEmail.get(email.toLowerCase());
        if (!user || !passwordMatches(user, form.get('password') ?? '')) {
          log(`login refused for ${JSON.stringify(email)}`);
          ctx.status = 401;
          ctx.type = 'html';
          ctx.body = loginPage({ uid, clientName, email, error: 'Wrong email or password.' });
          return undefined;
        }
        log(`login: ${user.sub} (${user.email}) for ${params.client_id}`);
        return finish(provider, ctx, { login: { accountId: user.sub } }, false);
      }
      if (action === '/abort' && ctx.method === 'GET') {
        return finish(provider, ctx, {
          error: 'access_denied',
          error_description: 'End-User aborted interaction',
        }, false);
      }
      ctx.throw(405, 'method not allowed');
    } catch (e) {
      const status = e instanceof oidcErrors.SessionNotFound ? 400 : (e.status ?? 500);
      if (status >= 500) log(`interaction error: ${e.stack ?? e}`);
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = page('Error', `<p class="error" role="alert">${esc(e.error_description ?? e.message)}</p>`);
    }
    return undefined;
  };
}

// ---- strict client authentication ----------------------------------------------------------

// oidc-provider accepts a client_secret_basic client's secret in the body and a
// client_secret_post client's secret in a Basic header alike. With strict_client_auth (the
// default) a client must use the method it is registered with, so that a test catches a relying
// party that sends its secret the wrong way.
function strictClientAuthentication(provider) {
  const paths = new Set(['token', 'revocation', 'introspection', 'device_authorization', 'pushed_authorization_request']
    .map((name) => provider.pathFor(name)));
  return async function checkClientAuthMethod(ctx, next) {
    if (ctx.method !== 'POST' || !paths.has(ctx.path) || !ctx.is('application/x-www-form-urlencoded')) return next();
    // Read the body here and leave it on req.body, where oidc-provider's parser finds it.
    const chunks = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += chunk.length;
      if (size > 56 * 1024) ctx.throw(413, 'request entity too large');
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    ctx.req.body = raw;
    const form = new URLSearchParams(raw);
    const authorization = ctx.get('authorization');
    let used;
    let clientId = form.get('client_id') ?? undefined;
    if (/^basic /i.test(authorization)) {
      used = 'client_secret_basic';
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      try {
        if (colon > 0) clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      } catch {
        // oidc-provider answers the malformed header itself
      }
    } else if (form.has('client_secret')) {
      used = 'client_secret_post';
    }
    if (used && clientId) {
      const client = await provider.Client.find(clientId).catch(() => undefined);
      const registered = client?.clientAuthMethod;
      if (registered && registered !== used
          && ['client_secret_basic', 'client_secret_post'].includes(registered)) {
        log(`strict_client_auth: ${clientId} is registered for ${registered} but used ${used}`);
        ctx.status = 401;
        if (registered === 'client_secret_basic') ctx.set('www-authenticate', 'Basic realm="oidc-test-provider"');
        ctx.set('cache-control', 'no-store');
        ctx.body = {
          error: 'invalid_client',
          error_description: `client authentication failed: the client is registered for ${registered}, not ${used}`,
        };
        return undefined;
      }
    }
    return next();
  };
}

// ---- the server ----------------------------------------------------------------------------

let handler = (req, res) => {
  res.statusCode = 503;
  res.end('starting\n');
};
const server = https.createServer({ cert: tlsCert, key: tlsKey }, (req, res) => handler(req, res));
server.on('tlsClientError', (e) => log(`TLS client error: ${e.code ?? ''} ${e.message}`));

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(listenPort, host, resolve);
});
const { port } = server.address();
const issuer = `https://${host}:${port}`;

let provider;
try {
  provider = new Provider(issuer, configuration);
} catch (e) {
  server.close();
  fail(`oidc-provider refused the configuration: ${e.message}`);
}
// oidc-provider validates static clients only when one is first used; check them all now, so a
// bad client stops the provider at start instead of failing a test later with invalid_client.
for (const { client_id: clientId } of clients) {
  try {
    if (!await provider.Client.find(clientId)) throw new Error('not found');
  } catch (e) {
    server.close();
    fail(`config: client ${clientId} is invalid: ${e.error_description ?? e.message}`);
  }
}
provider.use(async (ctx, next) => {
  const started = Date.now();
  await next();
  log(`${ctx.method} ${ctx.path} -> ${ctx.status} (${Date.now() - started} ms)`);
});
provider.use(interactions(provider));
// Browsers ask for /favicon.ico; a 204 keeps a 404 out of their console.
provider.use(async (ctx, next) => {
  if (ctx.path !== '/favicon.ico') return next();
  ctx.status = 204;
  return undefined;
});
if (strictClientAuth) provider.use(strictClientAuthentication(provider));
// oidc-provider sends no `interval` in the device authorization response (RFC 8628 then says
// 5 s) and does not enforce one; "device_flow.interval" adds it so that clients poll faster.
if (deviceFlow.interval !== undefined) {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'device_authorization' && ctx.status === 200 && ctx.body?.device_code) {
      ctx.body = { ...ctx.body, interval: deviceFlow.interval };
    }
  });
}
for (const event of ['server_error', 'authorization.error', 'grant.error', 'code_verification.error',
  'device_authorization.error', 'end_session.error', 'userinfo.error', 'introspection.error',
  'revocation.error', 'jwks.error', 'discovery.error']) {
  provider.on(event, (ctx, err) => {
    const detail = err?.error_detail ?? err?.cause?.message;
    log(`${event}: ${err?.error ?? err?.name ?? ''} ${err?.error_description ?? err?.message ?? ''}${detail ? ` (${detail})` : ''}`);
    if (event === 'server_error') log(err?.stack ?? err);
  });
}
handler = provider.callback();

log(`listening on ${issuer} (${users.length} users, ${clients.length} clients, PKCE ${pkceRequired ? 'required' : 'optional'})`);
process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

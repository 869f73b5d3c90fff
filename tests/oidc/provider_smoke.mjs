// Smoke test of tests/oidc/provider.mjs, with plain HTTPS requests (no browser):
//   node tests/oidc/provider_smoke.mjs
// It makes a throwaway CA and server certificate with the openssl CLI in a temp dir, starts the
// provider with two users (alice, bob) and three clients, and then, trusting only that CA:
//   - discovery names the endpoints and S256 PKCE;
//   - the authorization-code + PKCE flow for bob (login form, automatic consent, the code read
//     from the Location header of the redirect to a loopback redirect_uri, nothing listening),
//     the token exchange, and the ID token verified with the provider's JWKS (jose);
//   - a wrong password shows the form again; a request without PKCE, a wrong code_verifier and
//     a replayed code are refused;
//   - the public CLI client (RFC 8252 loopback, any port, no secret) rides bob's session;
//   - client_secret_post and a per-client short ID token lifetime, for alice;
//   - the device flow for alice: device authorization, the user-code page, login, polling.
// Exit 0 when every check passes; 1 with the failed check on stderr otherwise; the provider's
// stderr is shown on failure (or always with OIDC_SMOKE_VERBOSE=1).
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import * as os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tools = path.resolve(here, '..', 'tools');
if (!existsSync(path.join(tools, 'node_modules', 'jose', 'package.json'))) {
  process.stderr.write(`jose is not installed in ${tools}/node_modules: run \`npm ci --prefix tests/tools\`\n`);
  process.exit(2);
}
const { createLocalJWKSet, jwtVerify } = createRequire(path.join(tools, 'package.json'))('jose');

const started = Date.now();
const verbose = process.env.OIDC_SMOKE_VERBOSE === '1';
let passed = 0;
let providerLog = '';

class CheckFailed extends Error {}
function check(condition, what, detail) {
  if (!condition) {
    throw new CheckFailed(`${what}${detail === undefined ? '' : `\n  got: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  }
}
function ok(what) {
  passed += 1;
  process.stdout.write(`ok ${passed} - ${what}\n`);
}

// ---- certificates --------------------------------------------------------------------------

function makeCertificates(dir) {
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1',
    '-subj', '/CN=Warden OIDC smoke test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(path.join(dir, 'server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext');
}

// ---- HTTP with a cookie jar ----------------------------------------------------------------

class CookieJar {
  #cookies = new Map(); // `${name}\n${path}` -> { name, value, path, expires }

  store(setCookie = []) {
    for (const line of setCookie) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '/', expires: Infinity };
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.toLowerCase();
        if (key === 'path') cookie.path = v;
        if (key === 'expires') cookie.expires = Date.parse(v);
        if (key === 'max-age') cookie.expires = Date.now() + Number(v) * 1000;
      }
      const id = `${cookie.name}\n${cookie.path}`;
      if (cookie.expires <= Date.now()) this.#cookies.delete(id);
      else this.#cookies.set(id, cookie);
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    const now = Date.now();
    return [...this.#cookies.values()]
      .filter((c) => c.expires > now
        && (pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

let agent;
// A browser-like request (with a jar) asks for HTML; an API call asks for JSON. oidc-provider
// answers an error as an HTML page when the Accept header prefers text/html, even at /token.
function request(method, url, { jar, form, headers = {} } = {}) {
  const body = form ? new URLSearchParams(form).toString() : undefined;
  const h = { accept: jar ? 'text/html' : 'application/json', ...headers };
  if (body !== undefined) {
    h['content-type'] = 'application/x-www-form-urlencoded';
    h['content-length'] = Buffer.byteLength(body);
  }
  const cookie = jar?.header(url);
  if (cookie) h.cookie = cookie;
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, agent, headers: h, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        jar?.store(res.headers['set-cookie']);
        const text = Buffer.concat(chunks).toString('utf8');
        const location = res.headers.location ? new URL(res.headers.location, url).href : undefined;
        let json;
        if (/[/+]json\b/.test(res.headers['content-type'] || '')) json = JSON.parse(text);
        resolve({ status: res.statusCode, headers: res.headers, text, json, location });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Follows the provider's redirects (with the jar) until one leaves for `stopAt` (the client's
// redirect_uri, which has no listener: its Location is the answer) or a page is shown.
async function follow(url, jar, stopAt) {
  let res = await request('GET', url, { jar });
  for (let hops = 0; hops < 12; hops += 1) {
    if (!res.location) return { res };
    if (stopAt && res.location.startsWith(stopAt)) return { res, redirect: new URL(res.location) };
    res = await request('GET', res.location, { jar });
  }
  throw new CheckFailed(`too many redirects from ${url}`);
}

const formAction = (html) => /<form[^>]*action="([^"]+)"/.exec(html)?.[1]?.replace(/&#38;/g, '&');
const hidden = (html, name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

// ---- OAuth helpers -------------------------------------------------------------------------

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const random = () => b64url(crypto.randomBytes(32));
const pkcePair = () => {
  const verifier = random();
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
};
// RFC 6749 §2.3.1: client_id and secret are form-urlencoded before the Basic encoding.
const basic = (id, secret) => `Basic ${Buffer.from(
  `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function authorizeUrl(discovery, params) {
  const u = new URL(discovery.authorization_endpoint);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

async function login(jar, loginPageUrl, loginPage, email, password) {
  const action = new URL(formAction(loginPage.text), loginPageUrl).href;
  return request('POST', action, { jar, form: { email, password } });
}

let jwks;
async function verifyIdToken(discovery, idToken, { audience, nonce }) {
  const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
    issuer: discovery.issuer,
    audience,
    algorithms: ['RS256'],
  });
  check(payload.nonce === nonce, 'the ID token carries the nonce of the request', payload.nonce);
  return { payload, protectedHeader };
}

// ---- the checks ----------------------------------------------------------------------------

const USERS = {
  alice: { sub: 'alice', email: 'alice@example.com', name: 'Alice Admin', groups: ['warden-admins'], password: 'alice-pw-1' },
  bob: { sub: 'bob', email: 'bob@example.com', name: 'Bob Analyst', groups: ['analysts', 'devs'], password: 'bob-pw-2' },
};
const WEB = { client_id: 'warden-console', client_secret: 'console-secret-0123456789', redirect_uri: 'http://127.0.0.1:9/auth/callback' };
const POST_CLIENT = { client_id: 'warden-console-post', client_secret: 'post-secret-0123456789', redirect_uri: 'http://127.0.0.1:9/auth/callback' };
const CLI = { client_id: 'wardenctl', redirect_uri: 'http://127.0.0.1/callback' };
const SCOPE = 'openid email profile groups';

async function run(issuer) {
  // Discovery.
  const disc = await request('GET', `${issuer}/.well-known/openid-configuration`);
  check(disc.status === 200 && disc.json, 'discovery answers 200 with JSON', disc.status);
  const d = disc.json;
  check(d.issuer === issuer, 'discovery names the issuer', d.issuer);
  for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'device_authorization_endpoint', 'userinfo_endpoint']) {
    check(typeof d[key] === 'string' && d[key].startsWith(`${issuer}/`), `discovery names ${key} under the issuer`, d[key]);
  }
  check(d.code_challenge_methods_supported?.includes('S256'), 'discovery lists S256 PKCE', d.code_challenge_methods_supported);
  for (const s of ['openid', 'email', 'profile', 'groups']) check(d.scopes_supported.includes(s), `discovery lists scope ${s}`, d.scopes_supported);
  for (const c of ['email', 'groups', 'name']) check(d.claims_supported.includes(c), `discovery lists claim ${c}`, d.claims_supported);
  ok('discovery: issuer, endpoints, S256, scopes and claims');

  const keys = await request('GET', d.jwks_uri);
  check(keys.status === 200 && Array.isArray(keys.json?.keys) && keys.json.keys.length > 0, 'the JWKS has keys', keys.text);
  check(keys.json.keys.every((k) => !('d' in k)), 'the JWKS has no private parts');
  jwks = createLocalJWKSet(keys.json);
  ok(`JWKS: ${keys.json.keys.map((k) => `${k.kty}/${k.alg}`).join(', ')}`);

  // PKCE is required: a request without code_challenge comes back to the client as an error.
  {
    const state = random();
    const { redirect } = await follow(authorizeUrl(d, {
      client_id: WEB.client_id, response_type: 'code', scope: SCOPE, redirect_uri: WEB.redirect_uri, state, nonce: random(),
    }), new CookieJar(), WEB.redirect_uri);
    check(redirect?.searchParams.get('error') === 'invalid_request', 'an authorization request without PKCE is refused with invalid_request', redirect?.href);
    check(redirect.searchParams.get('state') === state, 'the error carries the state');
    ok('PKCE required: no code_challenge -> error=invalid_request on the redirect');
  }

  // The login page's Cancel link ends the flow with access_denied on the redirect.
  {
    const jar = new CookieJar();
    const state = random();
    const { res: loginPage } = await follow(authorizeUrl(d, {
      client_id: WEB.client_id, response_type: 'code', scope: SCOPE, redirect_uri: WEB.redirect_uri,
      state, nonce: random(), code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    }), jar, WEB.redirect_uri);
    const cancel = /<a href="(\/interaction\/[^"]+\/abort)">Cancel<\/a>/.exec(loginPage.text)?.[1];
    check(cancel, 'the login page has a Cancel link', loginPage.text);
    const { redirect } = await follow(`${issuer}${cancel}`, jar, WEB.redirect_uri);
    check(redirect?.searchParams.get('error') === 'access_denied' && redirect.searchParams.get('state') === state,
      'Cancel -> error=access_denied with the state', redirect?.href);
    ok('Cancel on the login page -> error=access_denied on the redirect');
  }

  // bob: authorization code + PKCE, confidential client with client_secret_basic.
  const bobJar = new CookieJar();
  {
    const { verifier, challenge } = pkcePair();
    const state = random();
    const nonce = random();
    const { res: loginPage } = await follow(authorizeUrl(d, {
      client_id: WEB.client_id, response_type: 'code', scope: SCOPE, redirect_uri: WEB.redirect_uri,
      state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
    }), bobJar, WEB.redirect_uri);
    check(loginPage.status === 200, 'the authorization request leads to the login page', loginPage.status);
    const loginPageUrl = `${issuer}${/action="(\/interaction\/[^"/]+)\/login"/.exec(loginPage.text)?.[1] ?? ''}`;
    check(/<label for="email">Email<\/label>/.test(loginPage.text)
      && /<label for="password">Password<\/label>/.test(loginPage.text)
      && /<button type="submit">Sign in<\/button>/.test(loginPage.text), 'the login page has Email, Password and Sign in', loginPage.text);
    ok('authorization request -> login page with Email, Password, Sign in');

    const wrong = await login(bobJar, loginPageUrl, loginPage, USERS.bob.email, 'not-the-password');
    check(wrong.status === 401 && wrong.text.includes('Wrong email or password.') && wrong.text.includes('<form'),
      'a wrong password shows the form again with an error', `${wrong.status} ${wrong.text.slice(0, 300)}`);
    ok('wrong password -> 401, the form again with "Wrong email or password."');

    const right = await login(bobJar, loginPageUrl, wrong, USERS.bob.email, USERS.bob.password);
    check(right.status === 303 && right.location, 'the right password redirects back to the authorization endpoint', right.status);
    const { redirect } = await follow(right.location, bobJar, WEB.redirect_uri);
    check(redirect, 'the flow ends with a redirect to the redirect_uri');
    const code = redirect.searchParams.get('code');
    check(code, 'the redirect carries a code', redirect.href);
    check(redirect.searchParams.get('state') === state, 'the redirect carries the state', redirect.href);
    check(redirect.searchParams.get('iss') === issuer, 'the redirect carries iss (RFC 9207)', redirect.href);
    ok('login + automatic consent -> code, state and iss on the redirect to the loopback redirect_uri');

    const tokenForm = { grant_type: 'authorization_code', code, redirect_uri: WEB.redirect_uri };
    const auth = { authorization: basic(WEB.client_id, WEB.client_secret) };
    const badVerifier = await request('POST', d.token_endpoint, { headers: auth, form: { ...tokenForm, code_verifier: random() } });
    check(badVerifier.status === 400 && badVerifier.json?.error === 'invalid_grant', 'a wrong code_verifier is refused with invalid_grant', badVerifier.text);
    const noVerifier = await request('POST', d.token_endpoint, { headers: auth, form: tokenForm });
    check(noVerifier.status === 400 && noVerifier.json?.error === 'invalid_grant', 'a missing code_verifier is refused with invalid_grant', noVerifier.text);
    const badSecret = await request('POST', d.token_endpoint, {
      headers: { authorization: basic(WEB.client_id, 'wrong-secret') }, form: { ...tokenForm, code_verifier: verifier },
    });
    check(badSecret.status === 401 && badSecret.json?.error === 'invalid_client', 'a wrong client secret is refused with invalid_client', badSecret.text);
    const asPost = await request('POST', d.token_endpoint, {
      form: { ...tokenForm, code_verifier: verifier, client_id: WEB.client_id, client_secret: WEB.client_secret },
    });
    check(asPost.status === 401 && asPost.json?.error === 'invalid_client', 'a client_secret_basic client may not send its secret in the body (strict_client_auth)', asPost.text);
    ok('token endpoint refuses a wrong or missing code_verifier, a wrong secret, and the secret in the body for a Basic client');

    const tokens = await request('POST', d.token_endpoint, { headers: auth, form: { ...tokenForm, code_verifier: verifier } });
    check(tokens.status === 200 && tokens.json?.id_token && tokens.json.access_token, 'the exchange returns an ID token and an access token', tokens.text);
    check(tokens.json.token_type === 'Bearer', 'token_type Bearer', tokens.json.token_type);
    const { payload, protectedHeader } = await verifyIdToken(d, tokens.json.id_token, { audience: WEB.client_id, nonce });
    check(payload.sub === 'bob', 'sub is bob', payload.sub);
    check(payload.email === USERS.bob.email && payload.email_verified === true, 'email is bob@example.com, verified', payload);
    check(payload.name === USERS.bob.name, 'name is Bob Analyst', payload.name);
    check(JSON.stringify(payload.groups) === JSON.stringify(USERS.bob.groups), 'groups are ["analysts","devs"]', payload.groups);
    check(payload.exp - payload.iat === 3600, 'the default ID token lifetime is 3600 s', payload.exp - payload.iat);
    ok(`ID token (${protectedHeader.alg}, kid ${protectedHeader.kid.slice(0, 8)}...) verifies with the JWKS; nonce, aud, sub, email, name, groups`);

    const userinfo = await request('GET', d.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.json.access_token}` } });
    check(userinfo.status === 200 && userinfo.json?.email === USERS.bob.email
      && JSON.stringify(userinfo.json.groups) === JSON.stringify(USERS.bob.groups), 'userinfo returns bob\'s email and groups', userinfo.text);
    ok('userinfo with the access token: email and groups');

    const replay = await request('POST', d.token_endpoint, { headers: auth, form: { ...tokenForm, code_verifier: verifier } });
    check(replay.status === 400 && replay.json?.error === 'invalid_grant', 'a replayed code is refused with invalid_grant', replay.text);
    const revoked = await request('GET', d.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.json.access_token}` } });
    check(revoked.status === 401 && revoked.json?.error === 'invalid_token', 'the replay revokes the access token issued for that code', revoked.text);
    ok('replayed code -> invalid_grant, and the tokens issued for it are revoked');
  }

  // Refresh tokens: oidc-provider issues one only for scope offline_access, which it keeps only
  // when the request also says prompt=consent (OIDC Core 11). bob's session: no login form.
  {
    const { verifier, challenge } = pkcePair();
    const nonce = random();
    const { redirect } = await follow(authorizeUrl(d, {
      client_id: WEB.client_id, response_type: 'code', scope: `${SCOPE} offline_access`, prompt: 'consent',
      redirect_uri: WEB.redirect_uri, state: random(), nonce, code_challenge: challenge, code_challenge_method: 'S256',
    }), bobJar, WEB.redirect_uri);
    check(redirect?.searchParams.get('code'), 'prompt=consent + offline_access gives a code on bob\'s session', redirect?.href);
    const auth = { authorization: basic(WEB.client_id, WEB.client_secret) };
    const tokens = await request('POST', d.token_endpoint, {
      headers: auth,
      form: { grant_type: 'authorization_code', code: redirect.searchParams.get('code'), redirect_uri: WEB.redirect_uri, code_verifier: verifier },
    });
    check(tokens.status === 200 && tokens.json?.refresh_token, 'offline_access + prompt=consent yields a refresh token', tokens.text);
    const refreshed = await request('POST', d.token_endpoint, {
      headers: auth, form: { grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token },
    });
    check(refreshed.status === 200 && refreshed.json?.id_token, 'the refresh grant returns a new ID token', refreshed.text);
    const { payload } = await jwtVerify(refreshed.json.id_token, jwks, { issuer, audience: WEB.client_id });
    check(payload.sub === 'bob' && JSON.stringify(payload.groups) === JSON.stringify(USERS.bob.groups), 'the refreshed ID token is bob\'s with his groups', payload);
    ok('offline_access + prompt=consent -> refresh token; the refresh grant returns a new ID token');
  }

  // The public CLI client: RFC 8252 loopback redirect on any port, no secret, PKCE; bob's
  // session (the same jar) means no login form this time, and consent is automatic.
  {
    const port = 40000 + crypto.randomInt(20000);
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const { verifier, challenge } = pkcePair();
    const state = random();
    const nonce = random();
    const { res, redirect } = await follow(authorizeUrl(d, {
      client_id: CLI.client_id, response_type: 'code', scope: SCOPE, redirect_uri: redirectUri,
      state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
    }), bobJar, redirectUri);
    check(redirect?.searchParams.get('code'), 'the CLI client gets a code on its loopback port without logging in again', `${res.status} ${res.location ?? res.text.slice(0, 300)}`);
    check(redirect.searchParams.get('state') === state, 'state round-trips');
    const tokens = await request('POST', d.token_endpoint, {
      form: {
        grant_type: 'authorization_code', code: redirect.searchParams.get('code'), redirect_uri: redirectUri,
        client_id: CLI.client_id, code_verifier: verifier,
      },
    });
    check(tokens.status === 200 && tokens.json?.id_token, 'the public client exchanges its code with client_id alone', tokens.text);
    const { payload } = await verifyIdToken(d, tokens.json.id_token, { audience: CLI.client_id, nonce });
    check(payload.sub === 'bob' && payload.email === USERS.bob.email, 'the CLI\'s ID token is bob\'s', payload);
    ok(`public client, loopback redirect on port ${port}, SSO on bob's session: ID token for bob`);
  }

  // alice: client_secret_post, a client whose ID tokens live 5 s; a fresh jar (a new browser).
  {
    const jar = new CookieJar();
    const { verifier, challenge } = pkcePair();
    const nonce = random();
    const { res: loginPage } = await follow(authorizeUrl(d, {
      client_id: POST_CLIENT.client_id, response_type: 'code', scope: SCOPE, redirect_uri: POST_CLIENT.redirect_uri,
      state: random(), nonce, code_challenge: challenge, code_challenge_method: 'S256', login_hint: USERS.alice.email,
    }), jar, POST_CLIENT.redirect_uri);
    check(loginPage.status === 200 && loginPage.text.includes(`value="${USERS.alice.email}"`), 'login_hint prefills the Email field', loginPage.text);
    const right = await login(jar, `${issuer}/`, loginPage, USERS.alice.email, USERS.alice.password);
    const { redirect } = await follow(right.location, jar, POST_CLIENT.redirect_uri);
    check(redirect?.searchParams.get('code'), 'alice gets a code', redirect?.href);
    const form = {
      grant_type: 'authorization_code', code: redirect.searchParams.get('code'), redirect_uri: POST_CLIENT.redirect_uri,
      code_verifier: verifier, client_id: POST_CLIENT.client_id,
    };
    const asBasic = await request('POST', d.token_endpoint, { headers: { authorization: basic(POST_CLIENT.client_id, POST_CLIENT.client_secret) }, form });
    check(asBasic.status === 401 && asBasic.json?.error === 'invalid_client', 'a client_secret_post client may not use Basic', asBasic.text);
    const tokens = await request('POST', d.token_endpoint, { form: { ...form, client_secret: POST_CLIENT.client_secret } });
    check(tokens.status === 200 && tokens.json?.id_token, 'client_secret_post exchange', tokens.text);
    const { payload } = await verifyIdToken(d, tokens.json.id_token, { audience: POST_CLIENT.client_id, nonce });
    check(payload.sub === 'alice' && payload.email === USERS.alice.email, 'the ID token is alice\'s', payload);
    check(JSON.stringify(payload.groups) === JSON.stringify(USERS.alice.groups), 'groups are ["warden-admins"]', payload.groups);
    check(payload.exp - payload.iat === 5, 'this client\'s ID tokens live 5 s (id_token_ttl)', payload.exp - payload.iat);
    ok('client_secret_post for alice (login_hint prefilled); per-client id_token_ttl 5 s; groups ["warden-admins"]');
  }

  // alice: the device flow with the public CLI client.
  {
    const da = await request('POST', d.device_authorization_endpoint, { form: { client_id: CLI.client_id, scope: SCOPE } });
    check(da.status === 200 && da.json?.device_code && da.json.user_code && da.json.verification_uri, 'device authorization returns the codes', da.text);
    const { device_code: deviceCode, user_code: userCode, verification_uri: verificationUri } = da.json;
    check(verificationUri === `${issuer}/device`, 'verification_uri is /device', verificationUri);
    check(da.json.interval === 1, 'the configured interval (1 s) is in the response', da.json.interval);
    const pollForm = { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode, client_id: CLI.client_id };
    const pending = await request('POST', d.token_endpoint, { form: pollForm });
    check(pending.status === 400 && pending.json?.error === 'authorization_pending', 'polling before approval: authorization_pending', pending.text);
    ok(`device authorization: user_code ${userCode}; polling says authorization_pending`);

    const jar = new CookieJar();
    const codePage = await request('GET', verificationUri, { jar });
    check(codePage.status === 200 && /<label for="user_code">Code<\/label>/.test(codePage.text), 'the user-code page has a Code field', codePage.text);
    const wrongCode = await request('POST', new URL(formAction(codePage.text), verificationUri).href, {
      jar, form: { xsrf: hidden(codePage.text, 'xsrf'), confirm: 'yes', user_code: 'BCDF-GHJK' },
    });
    check(wrongCode.text.includes('The code you entered is incorrect'), 'a wrong user code shows the page again with an error', wrongCode.text.slice(0, 400));
    const submitted = await request('POST', new URL(formAction(wrongCode.text), verificationUri).href, {
      jar, form: { xsrf: hidden(wrongCode.text, 'xsrf'), confirm: 'yes', user_code: userCode.toLowerCase().replace('-', ' ') },
    });
    check(submitted.status === 303 && submitted.location?.includes('/interaction/'), 'the user code leads to the login page', `${submitted.status} ${submitted.text.slice(0, 400)}`);
    const loginPage = await request('GET', submitted.location, { jar });
    check(loginPage.status === 200 && loginPage.text.includes('Sign in'), 'the device flow shows the same login page', loginPage.text);
    const right = await login(jar, submitted.location, loginPage, USERS.alice.email, USERS.alice.password);
    check(right.status === 303, 'login accepted', right.status);
    const { res: done } = await follow(right.location, jar);
    check(done.status === 200 && done.text.includes('id="device-success"'), 'the device flow ends on the success page', `${done.status} ${done.text.slice(0, 400)}`);
    ok('user-code page (a wrong code first, then the code in lower case with a space) -> login -> success page');

    let tokens;
    const deadline = Date.now() + 30_000;
    for (;;) {
      tokens = await request('POST', d.token_endpoint, { form: pollForm });
      if (tokens.status === 200 || tokens.json?.error !== 'authorization_pending' || Date.now() > deadline) break;
      await new Promise((r) => { setTimeout(r, da.json.interval * 1000); });
    }
    check(tokens.status === 200 && tokens.json?.id_token && tokens.json.access_token, 'polling after approval returns tokens', tokens.text);
    const { payload } = await jwtVerify(tokens.json.id_token, jwks, { issuer, audience: CLI.client_id });
    check(payload.sub === 'alice' && payload.email === USERS.alice.email, 'the device flow ID token is alice\'s', payload);
    check(JSON.stringify(payload.groups) === JSON.stringify(USERS.alice.groups), 'groups are ["warden-admins"]', payload.groups);
    const again = await request('POST', d.token_endpoint, { form: pollForm });
    check(again.status === 400 && again.json?.error === 'invalid_grant', 'a used device code is refused', again.text);
    ok('device flow: polling returns alice\'s verified ID token once; a second poll is refused');
  }
}

// ---- main ----------------------------------------------------------------------------------

const dir = mkdtempSync(path.join(os.tmpdir(), 'warden-oidc-smoke-'));
let child;
let exitCode = 0;
try {
  makeCertificates(dir);
  agent = new https.Agent({ ca: readFileSync(path.join(dir, 'ca.crt')), keepAlive: false });
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    cert: 'server.crt',
    key: 'server.key',
    users: Object.values(USERS),
    clients: [
      {
        client_id: WEB.client_id, client_secret: WEB.client_secret, client_name: 'Warden console',
        redirect_uris: [WEB.redirect_uri], grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: POST_CLIENT.client_id, client_secret: POST_CLIENT.client_secret,
        redirect_uris: [POST_CLIENT.redirect_uri], grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post', id_token_ttl: 5,
      },
      {
        client_id: CLI.client_id, client_name: 'wardenctl', application_type: 'native',
        token_endpoint_auth_method: 'none', redirect_uris: [CLI.redirect_uri],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      },
    ],
    device_flow: { interval: 1 },
  }, null, 2));

  child = spawn(process.execPath, [path.join(here, 'provider.mjs'), path.join(dir, 'config.json')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    providerLog += s;
    if (verbose) process.stderr.write(s.replace(/^(?=.)/gm, '[provider] '));
  });
  const exited = new Promise((resolve) => { child.once('exit', (code, signal) => resolve({ code, signal })); });
  child.exited = exited;
  const ready = await Promise.race([
    new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (s) => {
        out += s;
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          try { resolve(JSON.parse(out.slice(0, nl))); } catch (e) { reject(new Error(`provider printed ${out.slice(0, nl)}`)); }
        }
      });
    }),
    exited.then(({ code }) => { throw new Error(`provider exited with ${code} before listening`); }),
    new Promise((_, reject) => { setTimeout(() => reject(new Error('provider did not start in 30 s')), 30_000).unref(); }),
  ]);
  check(ready.issuer === `https://127.0.0.1:${ready.port}` && Object.keys(ready).join() === 'issuer,port',
    'the provider prints {"issuer","port"} with the 127.0.0.1 issuer', ready);
  ok(`provider listening: ${ready.issuer} (${Date.now() - started} ms after start, certificates included)`);

  await run(ready.issuer);

  child.kill('SIGTERM');
  const { code, signal } = await Promise.race([
    child.exited,
    new Promise((resolve) => { setTimeout(() => resolve({ code: 'timeout' }), 5000).unref(); }),
  ]);
  check(code === 0, 'the provider exits 0 on SIGTERM', { code, signal });
  ok('provider stopped cleanly on SIGTERM');
  child = undefined;
} catch (e) {
  exitCode = 1;
  process.stderr.write(`FAILED: ${e instanceof CheckFailed ? e.message : (e.stack ?? e)}\n`);
  if (!verbose && providerLog) process.stderr.write(`--- provider stderr ---\n${providerLog}--- end ---\n`);
} finally {
  if (child) {
    child.kill('SIGTERM');
    await Promise.race([child.exited, new Promise((r) => { setTimeout(r, 3000).unref(); })]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`provider_smoke: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${passed} passed, ${exitCode ? 1 : 0} failed\n`);
process.exit(exitCode);

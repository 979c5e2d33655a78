// Local OpenID Connect test provider for the Sagsspor test suites.
//
// One Node process, two independent issuers (two `new Provider(...)`
// instances, each on its own port on 127.0.0.1):
//   applicant issuer  http://127.0.0.1:${OIDC_APPLICANT_PORT:-4011}  client `sagsspor`
//   staff issuer      http://127.0.0.1:${OIDC_STAFF_PORT:-4012}      client `sagsspor-staff`
//
// Built on the certified `oidc-provider` package. FOR TESTS ONLY: fixed
// passwords, in-memory storage, keys generated at every start.
//
// Usage: node end2end/oidc/provider.mjs   (see README.md for env variables)

import * as crypto from 'node:crypto';
import * as http from 'node:http';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const APPLICANT_PORT = parsePort(process.env.OIDC_APPLICANT_PORT, 4011);
const STAFF_PORT = parsePort(process.env.OIDC_STAFF_PORT, 4012);
const SAGSSPOR_URL = stripSlash(process.env.SAGSSPOR_URL || 'http://127.0.0.1:3217');
const EXTRA_URLS = (process.env.SAGSSPOR_EXTRA_URLS || '')
  .split(',')
  .map((s) => stripSlash(s.trim()))
  .filter(Boolean);
const RP_BASES = [...new Set([SAGSSPOR_URL, ...EXTRA_URLS])];

const PASSWORD = 'test';

const CVR = 'https://data.gov.dk/model/core/eid/professional/cvr';
const ORG_NAME = 'https://data.gov.dk/model/core/eid/professional/orgName';

// Like Danish e-ID brokers, each issuer releases its own claims only for its own scope: the
// applicant issuer the CVR number and company name for `nemlogin` (the scope a MitID Erhverv
// broker such as Signaturgruppen's releases the NemLog-in professional claims for), the staff
// issuer the authority and role for `staff`. Without the scope a business login arrives as a
// citizen and a caseworker without a role.
const APPLICANT_SCOPE = 'nemlogin';
const STAFF_SCOPE = 'staff';

// ---------------------------------------------------------------------------
// Accounts. `login` is what is typed into "Brugernavn"; `sub` is the
// accountId used by oidc-provider (findAccount looks accounts up by it).
// ---------------------------------------------------------------------------

const APPLICANT_ACCOUNTS = [
  {
    login: 'borger',
    claims: {
      sub: 'borger-0001',
      name: 'Mette Borger',
      email: 'borger@example.test',
      email_verified: true,
    },
  },
  {
    login: 'virksomhed-a',
    claims: {
      sub: 'virk-a-0001',
      name: 'Anders Nordbyg',
      email: 'anders@nordbyg.example.test',
      email_verified: true,
      [CVR]: '12345678',
      [ORG_NAME]: 'Nordbyg ApS',
    },
  },
  {
    login: 'virksomhed-a2',
    claims: {
      sub: 'virk-a-0002',
      name: 'Birgitte Nordbyg',
      [CVR]: '12345678',
      [ORG_NAME]: 'Nordbyg ApS',
    },
  },
  {
    login: 'virksomhed-b',
    claims: {
      sub: 'virk-b-0001',
      name: 'Carsten Sydvarme',
      [CVR]: '87654321',
      [ORG_NAME]: 'Sydvarme A/S',
    },
  },
];

const STAFF_ACCOUNTS = [
  {
    login: 'sagsbehandler-101',
    claims: {
      sub: 'staff-101-0001',
      name: 'Sara Sagsbehandler',
      email: 'sara@kk.example.test',
      email_verified: true,
      authority_code: '101',
      role: 'caseworker',
    },
  },
  {
    login: 'sagsbehandler-851',
    claims: {
      sub: 'staff-851-0001',
      name: 'Niels Sagsbehandler',
      email: 'niels@aalborg.example.test',
      email_verified: true,
      authority_code: '851',
      role: 'caseworker',
    },
  },
  {
    login: 'sagsbehandler-101b',
    claims: {
      sub: 'staff-101-0002',
      name: 'Karen Kollega',
      authority_code: '101',
      role: 'caseworker',
    },
  },
];

// ---------------------------------------------------------------------------
// Issuer definitions
// ---------------------------------------------------------------------------

const ISSUERS = [
  {
    key: 'applicant',
    title: 'Ansøger',
    port: APPLICANT_PORT,
    accounts: APPLICANT_ACCOUNTS,
    customScope: APPLICANT_SCOPE,
    customClaims: [CVR, ORG_NAME],
    client: {
      client_id: 'sagsspor',
      client_secret: 'sagsspor-secret',
      callbackPath: '/auth/callback',
    },
  },
  {
    key: 'staff',
    title: 'Medarbejder',
    port: STAFF_PORT,
    accounts: STAFF_ACCOUNTS,
    customScope: STAFF_SCOPE,
    customClaims: ['authority_code', 'role'],
    client: {
      client_id: 'sagsspor-staff',
      client_secret: 'sagsspor-staff-secret',
      callbackPath: '/auth/staff/callback',
    },
  },
];

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function parsePort(value, fallback) {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`oidc test provider: invalid port ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return port;
}

function stripSlash(url) {
  return url.replace(/\/+$/, '');
}

function esc(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(title, body, extraHead = '') {
  return `<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #111; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input { font-size: 1rem; padding: .4rem; width: 100%; box-sizing: border-box; }
  button { font-size: 1rem; padding: .5rem 1.2rem; margin-top: 1rem; margin-right: .5rem; }
  .fejl { color: #a00000; border: 2px solid #a00000; padding: .5rem; }
  code { background: #eee; padding: 0 .2rem; }
</style>
${extraHead}
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function sendHtml(res, status, html) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// A fresh RS256 signing key per issuer and start (no dev-keys warning). The kid
// is the RFC 7638 thumbprint, so a relying party that cached the JWKS of an
// earlier run sees an unknown kid and refetches.
//
// The key is generated as PEM and re-imported before the JWK export on
// purpose: on Node 20, `generateKeyPairSync(...).privateKey.export({ format:
// 'jwk' })` can deadlock when a GC runs during the export (observed here:
// ~1 start in 50 hung forever in KeyGenJob::~KeyGenJob under ExportJWKRsaKey).
function generateJwks() {
  const { privateKey: pem } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const jwk = crypto.createPrivateKey(pem).export({ format: 'jwk' });
  const kid = crypto.createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n }))
    .digest('base64url');
  return { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256' }] };
}

// Minimal in-memory adapter (one store per issuer). Equivalent to the
// package's built-in dev adapter but without its "MUST change" warning.
// Only token-like models are revoked together with their grant (as in the
// package's adapter): an Interaction also carries a grantId but must survive.
const GRANTABLE = new Set([
  'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode',
]);

function memoryAdapter() {
  const store = new Map(); // key -> { payload, expiresAt }
  const get = (key) => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  const set = (key, payload, expiresIn) => {
    store.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
  };
  setInterval(() => { // drop expired entries now and then
    const now = Date.now();
    for (const [key, entry] of store) if (entry.expiresAt && entry.expiresAt <= now) store.delete(key);
  }, 60_000).unref();

  return class MemoryAdapter {
    constructor(model) {
      this.model = model;
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      if (this.model === 'Session') set(`sessionUid:${payload.uid}`, id, expiresIn);
      if (payload.userCode) set(`userCode:${payload.userCode}`, id, expiresIn);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        const members = get(grantKey) ?? new Set();
        members.add(key);
        // keep the index as long as its longest-lived member
        const entry = store.get(grantKey);
        const previous = entry ? (entry.expiresAt ?? Infinity) : 0;
        const until = Math.max(previous, expiresIn ? Date.now() + expiresIn * 1000 : Infinity);
        store.set(grantKey, { payload: members, expiresAt: Number.isFinite(until) ? until : undefined });
      }
      set(key, payload, expiresIn);
    }

    async find(id) {
      return get(this.key(id));
    }

    async findByUid(uid) {
      const id = get(`sessionUid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const payload = get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const grantKey = `grant:${grantId}`;
      for (const key of get(grantKey) ?? []) store.delete(key);
      store.delete(grantKey);
    }
  };
}

// ---------------------------------------------------------------------------
// Provider construction
// ---------------------------------------------------------------------------

function buildProvider(def) {
  const issuer = `http://${HOST}:${def.port}`;
  const bySub = new Map(def.accounts.map((a) => [a.claims.sub, a]));

  const client = {
    client_id: def.client.client_id,
    client_secret: def.client.client_secret,
    client_name: `Sagsspor (${def.title.toLowerCase()})`,
    application_type: 'web',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: RP_BASES.map((base) => `${base}${def.client.callbackPath}`),
    post_logout_redirect_uris: RP_BASES.map((base) => `${base}/`),
  };

  const configuration = {
    adapter: memoryAdapter(),
    clients: [client],
    jwks: generateJwks(),
    cookies: {
      // Cookies are not port-scoped: both issuers (and the relying party) share
      // the cookie jar of 127.0.0.1, so each issuer gets its own cookie names.
      names: {
        session: `op_${def.key}_session`,
        interaction: `op_${def.key}_interaction`,
        resume: `op_${def.key}_resume`,
      },
      keys: [`sagsspor-oidc-test-${def.key}-cookie-key`],
    },
    scopes: ['openid', 'profile', 'email', def.customScope],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
      [def.customScope]: def.customClaims,
    },
    // Release every scope-requested claim in the ID token too, not only in userinfo.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true }, // v9 supports only S256
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource,
        postLogoutSuccessSource,
      },
      claimsParameter: { enabled: false },
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    async findAccount(_ctx, sub) {
      const account = bySub.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        // oidc-provider filters these by the granted scopes.
        async claims() {
          return { ...account.claims };
        },
      };
    },
    renderError,
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      ClientCredentials: 10 * 60,
      IdToken: 60 * 60,
      Interaction: 10 * 60,
      Session: 60 * 60,
      Grant: 60 * 60,
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = false; // plain http on 127.0.0.1; never force `secure` cookies
  provider.on('server_error', (_ctx, err) => console.error(`[${def.key}] server_error`, err));

  return { issuer, provider };
}

async function logoutSource(ctx, form) {
  ctx.type = 'html';
  // Auto-confirms the logout (tests need no extra click); without JS the
  // "Log ud" button does the same.
  ctx.body = page('Log ud (test)', `
<h1>Log ud (test)</h1>
<p>Du bliver logget ud af testudbyderen på ${esc(ctx.host)}.</p>
${form}
<button id="logout-yes" autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Log ud</button>
<button type="submit" form="op.logoutForm">Bliv logget ind</button>
<script>document.getElementById('logout-yes').click();</script>
`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Logget ud (test)', `
<h1>Du er logget ud</h1>
<p>Du er nu logget ud af testudbyderen på ${esc(ctx.host)}.</p>
`);
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = page('Fejl (test)', `
<h1>Der opstod en fejl</h1>
<p class="fejl" role="alert"><code>${esc(out.error)}</code>${out.error_description ? `: ${esc(out.error_description)}` : ''}</p>
`);
}

// ---------------------------------------------------------------------------
// Interaction (login page) handling
// ---------------------------------------------------------------------------

function loginPage(def, uid, { error, login } = {}) {
  const users = def.accounts
    .map((a) => `<li><code>${esc(a.login)}</code> – ${esc(a.claims.name)}${a.claims[CVR] ? ` (CVR ${esc(a.claims[CVR])})` : ''}${a.claims.authority_code ? ` (myndighed ${esc(a.claims.authority_code)})` : ''}</li>`)
    .join('\n');
  return page('Log ind (test)', `
<h1>Log ind (test)</h1>
<p>Testudbyder for Sagsspor – ${esc(def.title.toLowerCase())}.</p>
${error ? `<p class="fejl" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
  <label for="login">Brugernavn</label>
  <input id="login" name="login" type="text" required autofocus value="${esc(login)}">
  <label for="password">Adgangskode</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Log ind</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort">
  <button type="submit">Annuller</button>
</form>
<h2>Testbrugere</h2>
<p>Adgangskoden er <code>${esc(PASSWORD)}</code> for alle.</p>
<ul>
${users}
</ul>
`);
}

// Creates (or extends) the Grant so that the consent prompt is satisfied
// without showing any page. Returns the grantId.
async function autoGrant(provider, { accountId, clientId, grantId, scope, details }) {
  let grant;
  if (grantId) grant = await provider.Grant.find(grantId);
  if (!grant || grant.accountId !== accountId) grant = new provider.Grant({ accountId, clientId });
  grant.addOIDCScope([...new Set(['openid', ...(scope || '').split(' ')])].filter(Boolean).join(' '));
  if (details?.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details?.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  if (details?.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

function interactionHandler(def, provider) {
  const bySub = new Map(def.accounts.map((a) => [a.claims.sub, a]));
  const byLogin = new Map(def.accounts.map((a) => [a.login, a]));

  return async function handle(req, res, match) {
    const [, uid, action] = match;

    if (req.method === 'GET' && !action) {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('interaction mismatch');
      const { prompt, params, session } = details;

      if (prompt.name === 'consent' && session?.accountId && bySub.has(session.accountId)) {
        const grantId = await autoGrant(provider, {
          accountId: session.accountId,
          clientId: params.client_id,
          grantId: details.grantId,
          scope: params.scope,
          details: prompt.details,
        });
        const consent = details.grantId === grantId ? {} : { grantId };
        return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
      }

      return sendHtml(res, 200, loginPage(def, uid, { login: params.login_hint }));
    }

    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('interaction mismatch');

      const login = (form.get('login') || '').trim();
      const account = byLogin.get(login);
      if (!account || form.get('password') !== PASSWORD) {
        return sendHtml(res, 200, loginPage(def, uid, { error: 'Forkert brugernavn eller adgangskode', login }));
      }

      const accountId = account.claims.sub;
      // A fresh grant for the account that just logged in, holding openid and
      // every requested scope: the consent prompt then needs no page.
      const grantId = await autoGrant(provider, {
        accountId,
        clientId: details.params.client_id,
        scope: details.params.scope,
      });
      return provider.interactionFinished(req, res, {
        login: { accountId },
        consent: { grantId },
      }, { mergeWithLastSubmission: false });
    }

    if (req.method === 'POST' && action === 'abort') {
      await readForm(req);
      return provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      }, { mergeWithLastSubmission: false });
    }

    res.statusCode = 405;
    res.end();
  };
}

// ---------------------------------------------------------------------------
// HTTP servers
// ---------------------------------------------------------------------------

function startIssuer(def) {
  const { issuer, provider } = buildProvider(def);
  const providerCallback = provider.callback();
  const handleInteraction = interactionHandler(def, provider);

  const server = http.createServer(async (req, res) => {
    const path = (req.url || '/').split('?')[0];
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?\/?$/.exec(path);
    if (!match) return providerCallback(req, res);
    try {
      await handleInteraction(req, res, match);
    } catch (err) {
      const expired = err?.name === 'SessionNotFound';
      if (!expired) console.error(`[${def.key}] interaction error`, err);
      if (!res.headersSent) {
        sendHtml(res, 400, page('Fejl (test)', `
<h1>Der opstod en fejl</h1>
<p class="fejl" role="alert">${expired ? 'Login-forløbet er udløbet eller ukendt. Start forfra fra Sagsspor.' : esc(err?.message || err)}</p>
`));
      } else {
        res.end();
      }
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(def.port, HOST, () => {
      server.off('error', reject);
      resolve({ issuer, server });
    });
  });
}

let servers = [];
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`oidc test provider stopping (${signal})`);
  let open = servers.length;
  if (open === 0) process.exit(0);
  const closed = () => { open -= 1; if (open === 0) process.exit(0); };
  for (const server of servers) {
    server.close(closed);
    server.closeAllConnections();
  }
  setTimeout(() => process.exit(0), 1000);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

try {
  const started = await Promise.all(ISSUERS.map(startIssuer));
  servers = started.map((s) => s.server);
  console.log(`oidc test provider ready: applicant ${started[0].issuer} staff ${started[1].issuer}`);
} catch (err) {
  console.error(`oidc test provider failed to start: ${err?.message || err}`);
  process.exit(1);
}

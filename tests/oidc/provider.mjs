// A real OpenID Connect provider (oidc-provider, OpenID certified) on 127.0.0.1, for the tests only.
//
//   node provider.mjs --port 9001 --redirect-uri http://127.0.0.1:8501/oauth2callback \
//        --client-id dashboard --client-secret S --accounts accounts.json
//
// accounts.json: [{"login": "olive", "password": "...", "claims": {"sub": "...", "email": "...",
// "name": "...", "tid": "...", "oid": "...", "groups": ["..."]}}]. The claims go into the ID token, as
// Entra puts tid, oid and groups there. Its sign-in page (a form: Username, Password, "Sign in")
// checks the password; consent is implied, as for an Entra app an administrator consented to.
// Prints "listening on ISSUER" once it answers. Never use it for anything but tests.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider, { interactionPolicy } from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'redirect-uri': { type: 'string' },
    'client-id': { type: 'string', default: 'msht-dashboard' },
    'client-secret': { type: 'string' },
    accounts: { type: 'string' },
  },
});
for (const name of ['port', 'redirect-uri', 'client-secret', 'accounts']) {
  if (!args[name]) throw new Error(`--${name} is required`);
}
const issuer = `http://127.0.0.1:${args.port}`;
const accounts = JSON.parse(readFileSync(args.accounts, 'utf8'));
const bySub = new Map(accounts.map((a) => [a.claims.sub, a]));

// Streamlit asks for prompt=select_account by default, as Entra supports: accept it, and answer it
// with the sign-in form.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }));

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: [args['redirect-uri']],
    // st.logout() returns through the provider's end-session page to the redirect URI.
    post_logout_redirect_uris: [args['redirect-uri']],
  }],
  findAccount: async (_ctx, sub) => {
    const account = bySub.get(sub);
    return account && { accountId: sub, claims: async () => ({ ...account.claims }) };
  },
  claims: {
    openid: ['sub', 'tid', 'oid', 'groups'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Put the scopes' claims in the ID token: Authlib, and so st.user, reads the ID token only.
  conformIdTokenClaims: false,
  interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  loadExistingGrant: async (ctx) => {
    const known = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (known) return ctx.oidc.provider.Grant.find(known);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), use: 'sig' }] },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(uid, message) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><h1>Sign in to the test identity provider</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Username <input name="login" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(req, res, uid, isSubmit) {
  const details = await provider.interactionDetails(req, res);
  if (!['login', 'select_account'].includes(details.prompt.name)) {
    throw new Error(`this test provider does not handle the ${details.prompt.name} prompt`);
  }
  if (!isSubmit) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(signInPage(uid));
    return;
  }
  const form = await readForm(req);
  const account = accounts.find((a) => a.login === form.get('login') && a.password === form.get('password'));
  if (!account) {
    res.statusCode = 401;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(signInPage(uid, 'Wrong username or password.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.claims.sub }, select_account: {} },
    { mergeWithLastSubmission: false });
}

const handle = provider.callback();
createServer((req, res) => {
  const match = new URL(req.url, issuer).pathname.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return handle(req, res);
  res.setHeader('Cache-Control', 'no-store');
  interaction(req, res, match[1], req.method === 'POST' && Boolean(match[2])).catch((err) => {
    res.statusCode = 400;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(`interaction failed: ${err.message}`);
  });
}).listen(Number(args.port), '127.0.0.1', () => console.log(`listening on ${issuer}`));

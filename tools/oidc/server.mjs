// A real OpenID Connect provider for the local stack: panva's certified
// `oidc-provider`, with its own sign-in page (seeded accounts, real password
// check), the dashboard registered as a public client (code flow + PKCE S256,
// rotating refresh tokens), JWT access tokens for the API (RFC 8707 resource
// indicators) carrying a `roles` claim, revocation and RP-initiated logout.
//
// Environment (scripts/run.sh and e2e/support/stack.ts set these):
//   OIDC_PORT            port to listen on (default 9090)
//   OIDC_ISSUER          issuer URL (default http://127.0.0.1:$OIDC_PORT)
//   DASHBOARD_ORIGINS    comma-separated dashboard origins allowed to redirect back
//   OIDC_CLIENT_ID       the dashboard's client id (default toolboxai-dashboard)
//   OIDC_AUDIENCE        the API's audience and resource indicator, an absolute URI (default urn:toolboxai:api)
//   OIDC_ACCESS_TOKEN_TTL_SECS   access token lifetime (default 600)
//   OIDC_ISSUE_REFRESH_TOKENS    "false" behaves like a provider that gives none
//   SEED_ADMIN / SEED_USER       user:password, as the reference backend takes them
import * as crypto from "node:crypto";
import * as http from "node:http";
import Provider, { errors } from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 9090);
const issuer = (process.env.OIDC_ISSUER ?? `http://127.0.0.1:${port}`).replace(/\/$/, "");
const origins = (process.env.DASHBOARD_ORIGINS ?? "http://127.0.0.1:8080")
  .split(",")
  .map((o) => o.trim().replace(/\/$/, ""))
  .filter(Boolean);
const clientId = process.env.OIDC_CLIENT_ID ?? "toolboxai-dashboard";
const audience = process.env.OIDC_AUDIENCE ?? "urn:toolboxai:api";
const accessTokenTtl = Number(process.env.OIDC_ACCESS_TOKEN_TTL_SECS ?? 600);
const issueRefreshTokens = process.env.OIDC_ISSUE_REFRESH_TOKENS !== "false";

/** user:password → an account; the subject is stable and not the username. */
function seeded(spec, fallback, role, name) {
  const [username, ...rest] = (spec ?? fallback).split(":");
  return {
    accountId: `oidc-${crypto.createHash("sha256").update(`${issuer}|${username}`).digest("hex").slice(0, 16)}`,
    username,
    password: rest.join(":"),
    role,
    name,
  };
}
const accounts = [
  seeded(process.env.SEED_ADMIN, "admin:admin-pass-123", "admin", "Administrator"),
  seeded(process.env.SEED_USER, "teacher:teacher-pass-123", "teacher", "Teacher"),
];
const byId = new Map(accounts.map((a) => [a.accountId, a]));

function passwordMatches(account, password) {
  const a = Buffer.from(account.password);
  const b = Buffer.from(String(password ?? ""));
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// A fresh signing key per start: tokens from an earlier run stop verifying.
const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: crypto.randomUUID(), use: "sig", alg: "RS256" };

const API_SCOPE = "api";

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_name: "ToolBoxAI Dashboard",
      token_endpoint_auth_method: "none",
      application_type: "web",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: origins.map((o) => `${o}/auth/callback`),
      post_logout_redirect_uris: origins.map((o) => `${o}/login`),
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString("base64url")] },
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    profile: ["name", "preferred_username"],
    email: ["email", "email_verified"],
  },
  scopes: ["openid", "offline_access", "profile", "email", API_SCOPE],
  async findAccount(_ctx, id) {
    const account = byId.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: account.name,
          preferred_username: account.username,
          email: `${account.username}@oidc.toolboxai.local`,
          email_verified: true,
        };
      },
    };
  },
  // Access tokens for the API carry the roles claim (as Auth0 or Keycloak put
  // theirs) and who the user is (as a Clerk session token template would).
  async extraTokenClaims(_ctx, token) {
    if (token.kind !== "AccessToken") return undefined;
    const account = byId.get(token.accountId);
    if (!account) return undefined;
    return {
      roles: [account.role],
      preferred_username: account.username,
      name: account.name,
      email: `${account.username}@oidc.toolboxai.local`,
    };
  },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => audience,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== audience) throw new errors.InvalidTarget();
        return {
          scope: API_SCOPE,
          audience,
          accessTokenTTL: accessTokenTtl,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        };
      },
    },
  },
  // The dashboard is first-party: no consent screen, the grant is implied.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (ctx.oidc.client.clientId !== clientId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid offline_access profile email");
    grant.addResourceScope(audience, API_SCOPE);
    await grant.save();
    return grant;
  },
  // Browser clients get refresh tokens (rotated on every use) without offline_access consent.
  async issueRefreshToken(_ctx, client) {
    return issueRefreshTokens && client.grantTypeAllowed("refresh_token");
  },
  ttl: {
    AccessToken: accessTokenTtl,
    IdToken: 3600,
    RefreshToken: 24 * 3600,
    Session: 24 * 3600,
    Grant: 24 * 3600,
    Interaction: 3600,
    AuthorizationCode: 60,
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = "html";
    ctx.body = page("Sign-in error", `<h1>Something went wrong</h1><p>${escape(out.error)}: ${escape(out.error_description ?? "")}</p>`);
  },
});
provider.proxy = true;

async function logoutSource(ctx, form) {
  ctx.body = page(
    "Sign out",
    `<h1>Sign out of ToolBoxAI Identity?</h1>
     <p>You are signing out of the dashboard. Sign out of this identity provider too, so the next sign-in asks for your password?</p>
     ${form}
     <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
     <button type="submit" form="op.logoutForm">No, stay signed in here</button>`,
  );
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · ToolBoxAI Identity</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b2030}
label{display:block;margin-top:1rem;font-weight:600}input{display:block;width:100%;padding:.5rem;margin-top:.25rem;border:1px solid #7a8399;border-radius:4px;box-sizing:border-box}
button{margin-top:1rem;margin-right:.5rem;padding:.5rem 1rem}.error{color:#b91c1c;font-weight:600}:focus-visible{outline:3px solid #b45309;outline-offset:2px}</style>
</head><body><main>${body}</main></body></html>`;
}

function loginPage(uid, { username = "", error = "" } = {}) {
  return page(
    "Sign in",
    `<h1>Sign in to ToolBoxAI Identity</h1>
     <p>The ToolBoxAI Dashboard asks you to sign in.</p>
     ${error ? `<p class="error" role="alert">${escape(error)}</p>` : ""}
     <form method="post" action="/interaction/${escape(uid)}/login" autocomplete="on">
       <label for="username">Username</label>
       <input id="username" name="username" autocomplete="username" required value="${escape(username)}" ${username ? "" : "autofocus"}>
       <label for="password">Password</label>
       <input id="password" name="password" type="password" autocomplete="current-password" required ${username ? "autofocus" : ""}>
       <button type="submit">Sign in</button>
     </form>
     <form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Cancel</button></form>`,
  );
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}

function send(res, status, html) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(html);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new errors.SessionNotFound("interaction mismatch");
  if (req.method === "GET" && !action) {
    return send(res, 200, loginPage(uid));
  }
  if (req.method === "POST" && action === "abort") {
    return provider.interactionFinished(req, res, { error: "access_denied", error_description: "The user cancelled the sign-in." }, { mergeWithLastSubmission: false });
  }
  if (req.method === "POST" && action === "login") {
    const form = await readForm(req);
    const username = (form.get("username") ?? "").trim();
    const account = accounts.find((a) => a.username.toLowerCase() === username.toLowerCase());
    if (!account || !passwordMatches(account, form.get("password"))) {
      return send(res, 200, loginPage(uid, { username, error: "That username and password do not match." }));
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.accountId } }, { mergeWithLastSubmission: false });
  }
  return send(res, 405, page("Not allowed", "<h1>Not allowed</h1>"));
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login|abort))?(?:\?.*)?$/.exec(req.url ?? "");
  if (!match) return callback(req, res);
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (err) {
    const expired = err instanceof errors.SessionNotFound;
    send(res, expired ? 400 : 500, page("Sign-in error", `<h1>${expired ? "This sign-in has expired" : "Something went wrong"}</h1><p>Go back to the dashboard and sign in again.</p>`));
    if (!expired) console.error(err);
  }
});

server.listen(port, process.env.BIND_HOST ?? "127.0.0.1", () => {
  console.log(`oidc-provider: ${issuer} (client ${clientId}, audience ${audience}, redirects to ${origins.join(", ")})`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));

// Part of the app's loader (tools/post-build.mjs puts it in early-<hash>.js, the
// deferred script before the boot module, after the config request). A signed-in
// administrator who opens /observability waits for the first report, and the
// app can only ask for it once its wasm has downloaded, compiled and mounted
// the page. So the loader asks for it now, with the stored session's token, at
// the API base the last config named (the app keeps it under its own key); the
// app takes the answer instead of sending the same request
// (src/browser/early_fetch.rs) and ignores it when its own request would
// differ (another token, another URL: the config changed). Nothing here decides
// anything the app relies on: a first visit, a missing, expiring or malformed
// session, or an API on another origin simply mean no early request.
// The storage keys and the report path are filled in from the Rust sources at build time.
window.__earlyGets = {};
(() => {
  if (location.pathname !== "/observability") return;
  let session, base;
  try {
    session = JSON.parse(localStorage.getItem("__SESSION_KEY__") ?? "null");
    base = localStorage.getItem("__API_BASE_KEY__");
  } catch {
    return;
  }
  const token = session?.access_token;
  const role = String(session?.user?.role ?? "").toLowerCase();
  // The app refreshes a token this close to expiry before using it.
  if (typeof token !== "string" || !(session.expires_at_ms > Date.now() + 60_000) || role !== "admin") return;
  if (typeof base !== "string") return;
  const path = "__REPORT_PATH__";
  // The token goes early only to this origin, as the browser resolves the URL
  // (an API on another origin is asked by the app itself).
  let url;
  try {
    url = new URL(`${base}${path}`, location.href);
  } catch {
    return;
  }
  if (url.origin !== location.origin) return;
  // The body is read here as well: when the app asks, the whole answer is in,
  // and it builds the page with the figures in one go (a body read of its own
  // would wait for a task of its own, after a paint of an empty page).
  const answer = fetch(url.href, {
    headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    credentials: "same-origin",
  }).then(async (response) => ({
    url: response.url,
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: await response.text(),
  }));
  // Not awaited by anyone if the app never asks: no unhandled rejection.
  answer.catch(() => {});
  window.__earlyGets[path] = { token, answer };
})();

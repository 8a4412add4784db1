// Part of the app's loader (tools/post-build.mjs puts it in early-<hash>.js, the
// deferred script before the boot module). What the app needs first is asked
// for here, while its wasm still downloads, and each answer's body is read here
// too: when the app asks, the whole answer is in, and it goes on in the same
// task (a body read of its own would wait for a task of its own, after a paint).
// The app takes these answers instead of sending the same requests
// (src/browser/early_fetch.rs: `window.__earlyGets`, by path, each
// `{ token, answer }` with `answer` resolving to `{ url, status, retryAfter, body }`).
//
// 1. The runtime config, on every page of the app (src/boot.rs).
// 2. On /observability, for a signed-in administrator, the first report: the app
//    could only ask for it once its wasm has downloaded, compiled and mounted
//    the page. It goes with the stored session's token, to the API base the last
//    config named (the app keeps it under its own key); the app ignores the
//    answer when its own request would differ (another token, another URL: the
//    config changed). Nothing here decides anything the app relies on: a first
//    visit, a missing, expiring or malformed session, or an API on another
//    origin simply mean no early request.
// The storage keys and the paths are filled in from the Rust sources at build time.
window.__earlyGets = {};
{
  /** Sends a GET now and reads its answer whole; the app takes it by `path` with the same `token`. */
  const earlyGet = (path, url, init, token) => {
    const answer = fetch(url, init).then(async (response) => ({
      url: response.url,
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: await response.text(),
    }));
    // Not awaited by anyone if the app never asks: no unhandled rejection.
    answer.catch(() => {});
    window.__earlyGets[path] = { token, answer };
  };
  earlyGet("__CONFIG_PATH__", "__CONFIG_PATH__", { cache: "no-store", headers: { Accept: "application/json" } }, null);
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
    earlyGet(path, url.href, {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
      credentials: "same-origin",
    }, token);
  })();
}

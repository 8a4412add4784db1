// One small static server for side-by-side measurements: it serves a build
// directory with clean URLs and an SPA fallback to index.html and sends text assets brotli
// (quality 11) compressed, compressing each file once and keeping the bytes,
// the way a CDN serves a deployment. The React build and ours are served by it
// with the same settings, so their load times compare the apps, not servers.
import { createServer, request, type Server } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import type { AddressInfo } from "node:net";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".wasm", ".svg", ".txt", ".ico"]);

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/**
 * Requests the static files do not answer, sent on to a backend as they are, as
 * Vercel's rewrites send `/api/*` to the API (our `/observability` needs the
 * API; served this way its assets come from the same server as React's).
 */
export interface Proxy {
  target: string;
  forwards: (path: string) => boolean;
}

export async function serveStatic(root: string, proxy?: Proxy): Promise<StaticSite> {
  const cache = new Map<string, { body: Buffer; br: Buffer | null }>();
  const load = (file: string) => {
    let entry = cache.get(file);
    if (!entry) {
      const body = readFileSync(file);
      const br = COMPRESSIBLE.has(extname(file))
        ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
        : null;
      entry = { body, br };
      cache.set(file, entry);
    }
    return entry;
  };
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (proxy?.forwards(path)) {
      const target = new URL(req.url ?? "/", proxy.target);
      const forwarded = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forwarded.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(forwarded);
      return;
    }
    const safe = normalize(path).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, safe);
    // Clean URLs, as Vercel's `cleanUrls`: /login finds login.html.
    if (file.startsWith(root) && !isFile(file) && isFile(`${file}.html`)) file = `${file}.html`;
    if (!file.startsWith(root) || !isFile(file)) file = join(root, "index.html");
    const { body, br } = load(file);
    const hashed = /[-.][0-9a-f]{8,}[-._]/i.test(file) || /-[A-Za-z0-9_-]{8}\.(js|css)$/.test(file);
    const headers: Record<string, string> = {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
      vary: "accept-encoding",
    };
    const acceptsBr = /\bbr\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const sent = br && acceptsBr ? br : body;
    if (sent === br) headers["content-encoding"] = "br";
    headers["content-length"] = String(sent.length);
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : sent);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

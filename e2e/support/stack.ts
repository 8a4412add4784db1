// A local stack owned by the test run: sockudo (scripts/sockudo.sh) and the
// reference backend serving the release dist/ through vercel.json, on free
// ports, with a private data dir, and for hosted sign-in a real OpenID
// provider (tools/oidc). Tests can stop and restart each part.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { credentials } from "./credentials";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BACKEND_BIN = join(REPO_ROOT, "target", "debug", "reference-backend");
const RESULTS_DIR = join(REPO_ROOT, "e2e", "test-results", "stacks");

export interface StackOptions {
  /** A label for log files. */
  name?: string;
  accessTokenTtlSecs?: number;
  /** Default refresh interval written into this stack's app-config.json. */
  refreshIntervalSecs?: number;
  /** Seconds between the backend's metric samples. */
  metricsIntervalSecs?: number;
  /** Start without sockudo and with realtime off in the app config. */
  withoutPusher?: boolean;
  /** Extra environment for the backend. */
  backendEnv?: Record<string, string>;
  /** Hosted sign-in: a real OpenID provider (tools/oidc, panva's oidc-provider) beside the stack. */
  oidc?: {
    /** Lifetime of the provider's access tokens. */
    accessTokenTtlSecs?: number;
    /** false: the provider gives no refresh tokens (sessions end at expiry). */
    refreshTokens?: boolean;
  };
}

/** The dashboard's registration at the local provider (tools/oidc/server.mjs). */
export const OIDC_CLIENT_ID = "toolboxai-dashboard";
export const OIDC_AUDIENCE = "urn:toolboxai:api";
export const OIDC_PROVIDER_NAME = "ToolBoxAI Identity";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/** Waits until `url` answers 2xx; a failure says what the process and the server last did. */
async function waitForHttp(url: string, proc: ChildProcess, what: string, seconds: number, logFile: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last = "no answer yet";
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${what} ended (${proc.exitCode ?? proc.signalCode}) while starting; its log ends:\n${logTail(logFile)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String((e as Error).cause ?? e);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not answer ${url} within ${seconds} s (last: ${last}); its log ends:\n${logTail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function logTail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}

async function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export class LocalStack {
  readonly url: string;
  private backend?: ChildProcess;
  private pusher?: ChildProcess;
  private provider?: ChildProcess;
  /** The OpenID provider's issuer URL, for a stack with hosted sign-in. */
  readonly issuer?: string;

  private constructor(
    readonly name: string,
    readonly dashboardPort: number,
    readonly pusherPort: number,
    readonly dataDir: string,
    readonly options: StackOptions,
    readonly providerPort?: number,
  ) {
    this.url = `http://127.0.0.1:${dashboardPort}`;
    if (providerPort) this.issuer = `http://127.0.0.1:${providerPort}`;
  }

  static async start(options: StackOptions = {}): Promise<LocalStack> {
    if (!existsSync(BACKEND_BIN)) {
      throw new Error(`${BACKEND_BIN} is missing: build it with "cargo build -p reference-backend" (scripts/test.sh does)`);
    }
    if (!existsSync(join(REPO_ROOT, "dist", "index.html"))) {
      throw new Error(`dist/ is missing: build it with "trunk build --release" (scripts/test.sh does)`);
    }
    const name = `${options.name ?? "stack"}-${process.pid}-${Date.now()}`;
    const dataDir = mkdtempSync(join(tmpdir(), "toolboxai-e2e-"));
    const providerPort = options.oidc ? await freePort() : undefined;
    const stack = new LocalStack(name, await freePort(), await freePort(), dataDir, options, providerPort);
    stack.writeAppConfig();
    mkdirSync(RESULTS_DIR, { recursive: true });
    if (options.oidc) await stack.startProvider();
    if (!options.withoutPusher) await stack.startPusher();
    await stack.startBackend();
    return stack;
  }

  get pusherKey(): string {
    return "app-key";
  }

  private writeAppConfig(): void {
    const pusher = this.options.withoutPusher
      ? null
      : { key: this.pusherKey, cluster: "mt1", ws_host: "127.0.0.1", ws_port: this.pusherPort, force_tls: false };
    const auth = this.issuer
      ? { mode: "oidc", issuer: this.issuer, client_id: OIDC_CLIENT_ID, resource: OIDC_AUDIENCE, provider_name: OIDC_PROVIDER_NAME }
      : { mode: "password" };
    const config = {
      environment: "e2e",
      api_base_url: "",
      refresh_interval_secs: this.options.refreshIntervalSecs ?? 5,
      pusher,
      auth,
    };
    writeFileSync(join(this.dataDir, "app-config.json"), JSON.stringify(config, null, 2));
  }

  private logFile(part: string): string {
    return join(RESULTS_DIR, `${this.name}-${part}.log`);
  }

  private log(part: string) {
    return createWriteStream(this.logFile(part), { flags: "a" });
  }

  async startPusher(): Promise<void> {
    const log = this.log("sockudo");
    const proc = spawn(join(REPO_ROOT, "scripts", "sockudo.sh"), [], {
      env: { ...process.env, PUSHER_PORT: String(this.pusherPort), SOCKUDO_WORKDIR: this.dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    this.pusher = proc;
    await waitForHttp(`http://127.0.0.1:${this.pusherPort}/up/app-id`, proc, "sockudo", 30, this.logFile("sockudo"));
  }

  async stopPusher(): Promise<void> {
    await stopProcess(this.pusher);
    this.pusher = undefined;
  }

  /** SIGKILL: the Pusher server dies without closing its sockets. */
  async killPusher(): Promise<void> {
    const proc = this.pusher;
    this.pusher = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
    proc.kill("SIGKILL");
    await exited;
  }

  /** The OpenID provider (tools/oidc/server.mjs), registered for this stack's origin. */
  async startProvider(): Promise<void> {
    const log = this.log("oidc");
    const proc = spawn(process.execPath, [join(REPO_ROOT, "tools", "oidc", "server.mjs")], {
      env: {
        ...process.env,
        OIDC_PORT: String(this.providerPort),
        DASHBOARD_ORIGINS: this.url,
        OIDC_AUDIENCE,
        OIDC_CLIENT_ID,
        OIDC_ACCESS_TOKEN_TTL_SECS: String(this.options.oidc?.accessTokenTtlSecs ?? 600),
        OIDC_ISSUE_REFRESH_TOKENS: String(this.options.oidc?.refreshTokens ?? true),
        SEED_ADMIN: `${credentials.admin.username}:${credentials.admin.password}`,
        SEED_USER: `${credentials.teacher.username}:${credentials.teacher.password}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    this.provider = proc;
    await waitForHttp(`${this.issuer}/.well-known/openid-configuration`, proc, "oidc-provider", 30, this.logFile("oidc"));
  }

  async stopProvider(): Promise<void> {
    await stopProcess(this.provider);
    this.provider = undefined;
  }

  /** The route list Vercel derives from vercel.json (tools/vercel-routes.mjs), for the server to run. */
  private routesFile(): string {
    const file = join(this.dataDir, "vercel-routes.json");
    execFileSync(process.execPath, [join(REPO_ROOT, "tools", "vercel-routes.mjs"), join(REPO_ROOT, "vercel.json"), "--out", file]);
    return file;
  }

  async startBackend(): Promise<void> {
    const log = this.log("backend");
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DASHBOARD_PORT: String(this.dashboardPort),
      DATA_DIR: this.dataDir,
      DIST_DIR: join(REPO_ROOT, "dist"),
      VERCEL_ROUTES: this.routesFile(),
      APP_CONFIG: join(this.dataDir, "app-config.json"),
      SEED_ADMIN: `${credentials.admin.username}:${credentials.admin.password}`,
      SEED_USER: `${credentials.teacher.username}:${credentials.teacher.password}`,
      ACCESS_TOKEN_TTL_SECS: String(this.options.accessTokenTtlSecs ?? 1800),
      METRICS_INTERVAL_SECS: String(this.options.metricsIntervalSecs ?? 5),
      RUST_LOG: process.env.E2E_BACKEND_LOG ?? "info",
      // Every test's browser and request come from 127.0.0.1: one address stands for many users here.
      REGISTRATIONS_PER_HOUR: "500",
      // As scripts/run.sh runs it (memory returns after bursts; see reports/abuse.md).
      MALLOC_ARENA_MAX: "2",
      // The local sockudo and provider are no production hosts: the served CSP gains them (and nothing else).
      CSP_EXTRA_CONNECT_SRC: [this.options.withoutPusher ? "" : `ws://127.0.0.1:${this.pusherPort}`, this.issuer ?? ""].join(" ").trim(),
      ...(this.options.withoutPusher ? {} : { PUSHER_URL: `http://127.0.0.1:${this.pusherPort}` }),
      ...(this.issuer ? { OIDC_ISSUER: this.issuer, OIDC_AUDIENCE, OIDC_CLIENT_IDS: OIDC_CLIENT_ID } : {}),
      ...(this.options.backendEnv ?? {}),
    };
    const proc = spawn(BACKEND_BIN, [], { env, stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    this.backend = proc;
    await waitForHttp(`${this.url}/api/v1/health/live`, proc, "reference backend", 60, this.logFile("backend"));
  }

  async stopBackend(): Promise<void> {
    await stopProcess(this.backend);
    this.backend = undefined;
  }

  async stop(): Promise<void> {
    await Promise.all([this.stopBackend(), this.stopPusher(), this.stopProvider()]);
  }
}

// Security as an attacker sees it: a raw Pusher socket opened with the public
// app key (it ships in app-config.json), next to an admin's socket as the
// control that shows the backend really was publishing meanwhile.
import { test, expect, localOnly } from "../support/fixtures";
import { credentials } from "../support/credentials";
import { LocalStack } from "../support/stack";

test.beforeEach(() => localOnly());

/** Public channels that the app, the reference backend or the real ToolBoxAI backend have used. */
const PUBLIC_CHANNELS = ["observability-metrics", "agent-updates", "agent-metrics", "system-health", "dashboard-updates"];
/** Channels a stranger must not get into, tried with a forged signature. */
const GUARDED_CHANNELS = ["private-admin", "presence-dashboard", "private-user-1"];
/** The acceptance asks for a minute of listening. */
const LISTEN_MS = 60_000;

test.describe("a stranger holding the app key", () => {
  let stack: LocalStack;
  test.beforeAll(async () => {
    // A sample every second: sixty publications while the stranger listens.
    stack = await LocalStack.start({ name: "attacker", metricsIntervalSecs: 1 });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("reads no host or process detail on any channel it can join", async ({ page, request }) => {
    test.setTimeout(LISTEN_MS + 60_000);
    // Unauthenticated channel authorization is refused outright.
    const auth = await request.post(`${stack.url}/api/v1/pusher/auth`, {
      form: { socket_id: "1234.5678", channel_name: "private-admin" },
    });
    expect(auth.status()).toBe(401);

    await page.goto(`${stack.url}/login`);
    const seen = await page.evaluate(
      async ({ wsUrl, admin, publicChannels, guarded, listenMs }) => {
        type Frame = { event: string; channel?: string; data?: unknown };
        const open = (onFrame: (raw: string, frame: Frame, ws: WebSocket) => void) =>
          new Promise<WebSocket>((ok, fail) => {
            const ws = new WebSocket(wsUrl);
            ws.onmessage = (e) => onFrame(String(e.data), JSON.parse(String(e.data)) as Frame, ws);
            ws.onerror = () => fail(new Error("socket error"));
            ws.onopen = () => ok(ws);
          });
        const socketId = (frame: Frame) => (JSON.parse(String(frame.data)) as { socket_id: string }).socket_id;

        // The stranger: every public channel, and forged signatures for the guarded ones.
        const stranger: string[] = [];
        await open((raw, frame, ws) => {
          stranger.push(raw);
          if (frame.event !== "pusher:connection_established") return;
          for (const channel of publicChannels) {
            ws.send(JSON.stringify({ event: "pusher:subscribe", data: { auth: "", channel } }));
          }
          for (const channel of guarded) {
            const data: Record<string, string> = { auth: `app-key:${"0".repeat(64)}`, channel };
            if (channel.startsWith("presence-")) data.channel_data = JSON.stringify({ user_id: "1", user_info: {} });
            ws.send(JSON.stringify({ event: "pusher:subscribe", data }));
          }
        });

        // The control: an administrator's socket on private-admin, authorized by the backend.
        const login = await fetch("/api/v1/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(admin),
        });
        const { access_token } = (await login.json()) as { access_token: string };
        const control: string[] = [];
        await open(async (raw, frame, ws) => {
          control.push(raw);
          if (frame.event !== "pusher:connection_established") return;
          const answer = await fetch("/api/v1/pusher/auth", {
            method: "POST",
            headers: { authorization: `Bearer ${access_token}`, "content-type": "application/x-www-form-urlencoded" },
            body: `socket_id=${encodeURIComponent(socketId(frame))}&channel_name=private-admin`,
          });
          const { auth } = (await answer.json()) as { auth: string };
          ws.send(JSON.stringify({ event: "pusher:subscribe", data: { auth, channel: "private-admin" } }));
        });

        await new Promise((r) => setTimeout(r, listenMs));
        return { stranger, control };
      },
      {
        wsUrl: `ws://127.0.0.1:${stack.pusherPort}/app/${stack.pusherKey}?protocol=7&client=e2e&version=1`,
        admin: { username: credentials.admin.username, password: credentials.admin.password },
        publicChannels: PUBLIC_CHANNELS,
        guarded: GUARDED_CHANNELS,
        listenMs: LISTEN_MS,
      },
    );

    const parse = (raw: string) => JSON.parse(raw) as { event: string; channel?: string };
    // The control proves the backend published while the stranger listened.
    const controlMetrics = seen.control.map(parse).filter((f) => f.event === "metrics.updated" && f.channel === "private-admin");
    expect(controlMetrics.length).toBeGreaterThanOrEqual(30);

    const strangerFrames = seen.stranger.map(parse);
    expect(strangerFrames[0]?.event).toBe("pusher:connection_established");
    // Nothing but the protocol's own frames reached the stranger…
    expect(strangerFrames.filter((f) => !f.event.startsWith("pusher"))).toEqual([]);
    // …no guarded channel accepted the forged signature…
    const joined = strangerFrames.filter((f) => f.event === "pusher_internal:subscription_succeeded").map((f) => f.channel);
    for (const channel of GUARDED_CHANNELS) expect(joined).not.toContain(channel);
    // …and no frame names the host or the process.
    for (const raw of seen.stranger) expect(raw).not.toMatch(/hostname|kernel|process|pid|cpu_percent|memory/i);
  });

  test("client events are off: a member cannot send to the others on its channel", async ({ page }) => {
    await page.goto(`${stack.url}/login`);
    const seen = await page.evaluate(
      async ({ wsUrl, user }) => {
        type Frame = { event: string; channel?: string; data?: unknown };
        const login = await fetch("/api/v1/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(user),
        });
        const { access_token } = (await login.json()) as { access_token: string };
        const profile = (await (await fetch("/api/v1/users/me/profile", { headers: { authorization: `Bearer ${access_token}` } })).json()) as { id: number };
        const channel = `private-user-${profile.id}`;
        // Two sockets of the same user on their own channel; the first tries a client event.
        const join = (frames: Frame[]) =>
          new Promise<WebSocket>((ok) => {
            const ws = new WebSocket(wsUrl);
            ws.onmessage = async (e) => {
              const frame = JSON.parse(String(e.data)) as Frame;
              frames.push(frame);
              if (frame.event === "pusher:connection_established") {
                const socketId = (JSON.parse(String(frame.data)) as { socket_id: string }).socket_id;
                const answer = await fetch("/api/v1/pusher/auth", {
                  method: "POST",
                  headers: { authorization: `Bearer ${access_token}`, "content-type": "application/x-www-form-urlencoded" },
                  body: `socket_id=${encodeURIComponent(socketId)}&channel_name=${channel}`,
                });
                const { auth } = (await answer.json()) as { auth: string };
                ws.send(JSON.stringify({ event: "pusher:subscribe", data: { auth, channel } }));
              }
              if (frame.event === "pusher_internal:subscription_succeeded") ok(ws);
            };
          });
        const sender: Frame[] = [];
        const receiver: Frame[] = [];
        const [ws] = await Promise.all([join(sender), join(receiver)]);
        ws.send(JSON.stringify({ event: "client-hello", channel, data: { x: 1 } }));
        // Until the sender is told off (or two seconds pass): the receiver must have nothing.
        const deadline = Date.now() + 2_000;
        while (!sender.some((f) => f.event === "pusher:error") && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 500));
        return { sender, receiver };
      },
      {
        wsUrl: `ws://127.0.0.1:${stack.pusherPort}/app/${stack.pusherKey}?protocol=7&client=e2e&version=1`,
        user: { username: credentials.teacher.username, password: credentials.teacher.password },
      },
    );
    expect(seen.receiver.filter((f) => f.event === "client-hello")).toEqual([]);
    expect(seen.sender.some((f) => f.event === "pusher:error")).toBe(true);
  });
});

// Publishing through the Pusher HTTP API (what a backend does), signed as the
// protocol requires: auth_key, auth_timestamp, auth_version, body_md5, and an
// HMAC-SHA256 of "METHOD\npath\nsorted query" with the app secret.
import { createHash, createHmac } from "node:crypto";

export interface PusherApp {
  url: string; // http://127.0.0.1:<port>
  appId: string;
  key: string;
  secret: string;
}

export interface PusherEvent {
  channel: string;
  name: string;
  data: unknown;
}

async function signedPost(app: PusherApp, path: string, body: string): Promise<void> {
  const params: Record<string, string> = {
    auth_key: app.key,
    auth_timestamp: String(Math.floor(Date.now() / 1000)),
    auth_version: "1.0",
    body_md5: createHash("md5").update(body).digest("hex"),
  };
  const query = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  const signature = createHmac("sha256", app.secret).update(`POST\n${path}\n${query}`).digest("hex");
  const response = await fetch(`${app.url}${path}?${query}&auth_signature=${signature}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
}

/** Up to 10 events in one call (the protocol's batch limit). */
export function triggerBatch(app: PusherApp, events: PusherEvent[]): Promise<void> {
  const batch = events.map((e) => ({ channel: e.channel, name: e.name, data: JSON.stringify(e.data) }));
  return signedPost(app, `/apps/${app.appId}/batch_events`, JSON.stringify({ batch }));
}

import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/env";

/** One live call (named by CallSid). The media bridge lands with the live-calls work. */
export class CallSession extends DurableObject<Env> {
  override fetch(request: Request): Response {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    return new Response("Media streams are not accepted yet", { status: 503 });
  }
}

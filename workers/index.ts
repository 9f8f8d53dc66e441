import { app } from "./app";
import type { Env } from "./env";

export { CallSession } from "../durable-objects/call-session/call-session.do";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;

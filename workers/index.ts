import { app } from "./app";

export { CallSession } from "../durable-objects/call-session/call-session.do";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<import("./env").Env>;

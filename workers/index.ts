import { env as workerEnv } from "cloudflare:workers";
import { app } from "./app";
import type { Env } from "./env";
import { configureMemory } from "./memory/services";
import { deliverAllDueSms } from "./messaging/scheduled";
import { handlePostCallBatch } from "./post-call/consumer";

export { CallSession } from "../durable-objects/call-session/call-session.do";
export { PostCallWorkflow } from "./post-call/post-call.workflow";

// Memory's embedder and vector store follow the bindings (AI, VECTORIZE). Set at module scope
// too, because the call Durable Object runs memory code in isolates that may never see fetch.
configureMemory(workerEnv);

export default {
  fetch: (request, env, ctx) => {
    configureMemory(env);
    return app.fetch(request, env, ctx);
  },
  queue: async (batch, env) => {
    configureMemory(env);
    await handlePostCallBatch(batch, env);
  },
  scheduled: async (controller, env) => {
    await deliverAllDueSms(env, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;

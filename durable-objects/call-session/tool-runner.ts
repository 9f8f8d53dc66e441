/**
 * Running the model's function calls inside the call object. Tools run concurrently with the
 * audio; their effects on the call (transfer, message taken) are stored before anything else
 * looks at the call's phase — `settle()` lets a `stop` or the continuation endpoint wait for
 * them, since the transfer tool redirects the call (and so ends the stream) while it runs.
 */
import type { WithCallFields } from "../../workers/observability/log-events";
import { log } from "../../workers/observability/log";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import type { ModelLink } from "./model-link";
import type { FunctionCallArgumentsDoneEvent } from "./protocol/realtime.schema";
import { functionCallOutput, responseCreate } from "./protocol/realtime.schema";
import type { CallStore } from "./storage";
import type { ToolContext } from "./tools/index";
import { runTool } from "./tools/index";

export interface ToolRunnerHooks {
  fields: WithCallFields;
  /** The call's tenant; null before the stream's start was accepted. */
  tenant(): TenantContext | null;
  streamSid(): string | null;
  /** end_call: hang up once the goodbye (said before the tool call) has played. */
  hangUpAfterGoodbye(): void;
}

export class ToolRunner {
  #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly env: ToolContext["env"],
    private readonly store: CallStore,
    private readonly model: ModelLink,
    private readonly hooks: ToolRunnerHooks,
  ) {}

  dispatch(event: FunctionCallArgumentsDoneEvent): void {
    const run = this.#run(event).catch((err: unknown) => {
      log(
        "error",
        "call.tool_dispatch_failed",
        this.hooks.fields({ message: err instanceof Error ? err.message : String(err) }),
      );
    });
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
  }

  /** Waits for running tools, so a decision about the call sees their effects. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #run(event: FunctionCallArgumentsDoneEvent): Promise<void> {
    const tenant = this.hooks.tenant();
    const meta = this.store.updateMeta((m) => {
      if (!m.toolsUsed.includes(event.name)) m.toolsUsed.push(event.name);
    });
    if (!tenant || !meta) return;
    const outcome = await runTool(event.name, event.arguments, {
      env: this.env,
      tenant,
      callSid: meta.callSid,
      callerPhone: meta.callerPhone,
      callerId: meta.callerId ?? "",
      streamSid: this.hooks.streamSid(),
    });
    const effect = outcome.effect;
    if (effect?.kind === "transfer") {
      this.store.updateMeta((m) => {
        m.phase = "transferring";
        m.transferTo = effect.to;
      });
    } else if (effect?.kind === "message_taken") {
      this.store.updateMeta((m) => {
        m.messageTaken = true;
      });
    }
    this.model.send(functionCallOutput(event.call_id, outcome.output));
    if (effect?.kind === "hangup") this.hooks.hangUpAfterGoodbye();
    // A transfer has already redirected the call: the agent says nothing more.
    else if (effect?.kind !== "transfer" && this.model.connected) this.model.send(responseCreate());
  }
}

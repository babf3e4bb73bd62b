import type { Ec2Emulator, EmulatedInstance } from "../ec2/emulator.js";
import { type AgentBehaviour, type AgentEvent, runAgent } from "./runner-agent.js";

/**
 * Runs a simulated runner agent on every emulated instance that reaches `running`, and stops it when the
 * instance leaves that state (terminated, stopped).
 */
export function attachAgents(
  ec2: Ec2Emulator,
  options: {
    behaviour?: (instance: EmulatedInstance) => AgentBehaviour;
    backoffMs?: number;
    pollWaitMs?: number;
    onEvent?: (event: AgentEvent) => void;
    onError?: (instanceId: string, error: unknown) => void;
  } = {},
) {
  const running = new Map<string, AbortController>();
  const events: AgentEvent[] = [];
  const record = (event: AgentEvent) => {
    events.push(event);
    if (events.length > 50_000) events.shift();
    options.onEvent?.(event);
  };
  const offRunning = ec2.onInstanceRunning((instance) => {
    if (running.has(instance.instanceId)) return;
    const controller = new AbortController();
    running.set(instance.instanceId, controller);
    const id = instance.instanceId;
    runAgent({
      instanceId: id,
      imdsUrl: ec2.imdsUrl(id),
      powerOff: () => {
        if (ec2.instance(id)?.state === "running") ec2.powerOff(id);
      },
      behaviour: options.behaviour?.(instance) ?? "normal",
      signal: controller.signal,
      backoffMs: options.backoffMs ?? 200,
      pollWaitMs: options.pollWaitMs ?? 1_000,
      onEvent: record,
    }).catch((error) => {
      if (!controller.signal.aborted) options.onError?.(id, error);
    });
  });
  const offState = ec2.onInstanceStateChange((instance) => {
    if (instance.state === "running") return;
    running.get(instance.instanceId)?.abort();
    running.delete(instance.instanceId);
  });
  return {
    events,
    active: () => running.size,
    stop(): void {
      offRunning();
      offState();
      for (const c of running.values()) c.abort();
      running.clear();
    },
  };
}
export type AgentFleet = ReturnType<typeof attachAgents>;

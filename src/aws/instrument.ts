import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Metrics } from "../metrics.js";

/**
 * Counts every EC2 call and throttle through an SDK middleware, so "calls per job" is measured where the
 * calls happen, whatever adapter makes them.
 */
export function instrumentEc2(client: EC2Client, metrics: Metrics): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = String(context.commandName ?? "unknown").replace(/Command$/, "");
      try {
        const result = await next(args);
        metrics.ec2Calls.inc({ action, result: "ok" });
        return result;
      } catch (error) {
        const name = (error as { name?: string }).name ?? "error";
        metrics.ec2Calls.inc({ action, result: name });
        if (name === "RequestLimitExceeded" || name === "Throttling") metrics.ec2Throttles.inc({ action });
        throw error;
      }
    },
    { step: "initialize", name: "mayflyMetrics", override: true },
  );
}

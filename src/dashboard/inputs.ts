import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { INSTANCE_ID_PATTERN } from "../domain/runner-name.js";

/** Schemas for every dashboard input (STYLE.md principle 6); a bad input is a 400 naming the problem. */

export const instanceIdParam = z.strictObject({
  instanceId: z.string().regex(INSTANCE_ID_PATTERN, "must be an EC2 instance id (i-…)"),
});

const seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const eventsQuery = z.strictObject({
  after: seq.optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(200),
});

export const streamQuery = z.strictObject({ after: seq.optional() });

/** The SSE reconnection header: the browser resends the last event id it saw. */
export const lastEventId = seq.optional();

export const emptyQuery = z.strictObject({});

export const callbackQuery = z.union([
  z.object({ code: z.string().min(1).max(512), state: z.string().min(1).max(512) }),
  z.object({ error: z.string().max(200), state: z.string().max(512).optional() }),
]);

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; ");
  throw new HTTPException(400, { message: `invalid ${what}: ${problems}` });
}

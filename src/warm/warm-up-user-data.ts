import { USER_DATA_HEADER } from "../bootstrap/user-data.js";

/**
 * User data for a stopped pool's warm-up boot (ADR 0014): the image boots once (its disk and caches
 * warm), never enrols, and powers off; the launch sets shutdown to `stop`, so the instance waits stopped.
 * It holds no token at all: a token written days before the start could not stay valid. The claim writes
 * new user data with a fresh one-time token before it starts the instance.
 */
export function renderWarmUpUserData(values: { pool: string }): string {
  if (/['\n\r]/.test(values.pool)) throw new Error("user-data values must not contain quotes or newlines");
  return [
    "#!/bin/sh",
    `${USER_DATA_HEADER}: warm-up boot; holds no credential.`,
    "MAYFLY_WARM_UP='1'",
    `MAYFLY_POOL='${values.pool}'`,
    "",
  ].join("\n");
}

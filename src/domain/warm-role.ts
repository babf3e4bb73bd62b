import type { WarmRole } from "./plan-warm.js";
import { TAG } from "./tags.js";

/** An instance's warm role from its tags; an unclaimed warm instance carries `mayfly:warm`. */
export function warmRoleOf(tags: Readonly<Record<string, string>>): { warm?: WarmRole } {
  const value = tags[TAG.warm];
  return value === "hot" || value === "stopped" ? { warm: value } : {};
}

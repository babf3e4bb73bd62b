import type { Capacity } from "./capacity.js";
import type { AddressPool } from "./ids.js";
import type { ImageRegistry } from "./images.js";
import type { InstanceStore } from "./instance-store.js";
import type { LaunchTemplates } from "./launch-templates.js";
import type { Lifecycle } from "./lifecycle.js";
import type { ResolvedOptions } from "./options.js";
import type { Query } from "./query.js";
import type { TagVisibility } from "./tag-visibility.js";
import type { Throttler } from "./throttling.js";

/** Everything an action handler may touch. */
export interface Ec2Context {
  options: ResolvedOptions;
  store: InstanceStore;
  lifecycle: Lifecycle;
  capacity: Capacity;
  throttler: Throttler;
  templates: LaunchTemplates;
  addresses: AddressPool;
  tagVisibility: TagVisibility;
  images: ImageRegistry;
}

/** An EC2 action: reads the query, returns the XML body inside `<ActionResponse>`. */
export type ActionHandler = (query: Query, ctx: Ec2Context) => string;

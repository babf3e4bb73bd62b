import type { ActionHandler } from "../context.js";
import { createFleet } from "./create-fleet.js";
import { createLaunchTemplate } from "./create-launch-template.js";
import { createTags } from "./create-tags.js";
import { deleteTags } from "./delete-tags.js";
import { describeImages } from "./describe-images.js";
import { describeInstanceAttribute } from "./describe-instance-attribute.js";
import { describeInstances } from "./describe-instances.js";
import { describeVolumes } from "./describe-volumes.js";
import { modifyInstanceAttribute } from "./modify-instance-attribute.js";
import { runInstances } from "./run-instances.js";
import { startInstances } from "./start-instances.js";
import { stopInstances } from "./stop-instances.js";
import { terminateInstances } from "./terminate-instances.js";

/** The EC2 actions the emulator answers. */
export const ACTIONS: Readonly<Record<string, ActionHandler>> = {
  RunInstances: runInstances,
  CreateFleet: createFleet,
  CreateLaunchTemplate: createLaunchTemplate,
  DescribeInstances: describeInstances,
  DescribeVolumes: describeVolumes,
  DescribeImages: describeImages,
  DescribeInstanceAttribute: describeInstanceAttribute,
  TerminateInstances: terminateInstances,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  ModifyInstanceAttribute: modifyInstanceAttribute,
};

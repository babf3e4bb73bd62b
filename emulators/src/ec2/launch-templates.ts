import { Ec2ApiError, missing } from "./api-error.js";
import { newId } from "./ids.js";
import type { LaunchParams } from "./launch-params.js";
import type { LaunchTemplateInput } from "./options.js";

export interface StoredTemplate {
  id: string;
  name: string;
  /** Epoch ms. */
  createTime: number;
  versions: LaunchParams[];
  defaultVersion: number;
}

export interface TemplateRef {
  id?: string;
  name?: string;
  /** "$Latest", "$Default" or a version number; default "$Default". */
  version?: string;
}

const NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;

/** Launch templates (CreateLaunchTemplate and those passed in the emulator options); one version each. */
export class LaunchTemplates {
  readonly #byId = new Map<string, StoredTemplate>();
  readonly #now: () => number;

  constructor(initial: readonly LaunchTemplateInput[], now: () => number) {
    this.#now = now;
    for (const t of initial) this.add(t.name, t.data, t.id);
  }

  add(name: string, data: LaunchParams, id = newId("lt")): StoredTemplate {
    if (!NAME.test(name)) {
      throw new Ec2ApiError(
        "InvalidLaunchTemplateName.MalformedException",
        `The launch template name '${name}' is not valid.`,
      );
    }
    if (this.#byName(name)) {
      throw new Ec2ApiError(
        "InvalidLaunchTemplateName.AlreadyExistsException",
        `Launch template name already in use: ${name}`,
      );
    }
    const template: StoredTemplate = {
      id,
      name,
      createTime: this.#now(),
      versions: [data],
      defaultVersion: 1,
    };
    this.#byId.set(id, template);
    return template;
  }

  /** The template data for a LaunchTemplate specification, with the version that was used. */
  resolve(ref: TemplateRef): { template: StoredTemplate; version: number; data: LaunchParams } {
    const template = this.#find(ref);
    const wanted = ref.version ?? "$Default";
    const version =
      wanted === "$Latest"
        ? template.versions.length
        : wanted === "$Default"
          ? template.defaultVersion
          : Number(wanted);
    const data = Number.isInteger(version) ? template.versions[version - 1] : undefined;
    if (!data) {
      throw new Ec2ApiError(
        "InvalidLaunchTemplateId.VersionNotFound",
        `Could not find launch template version ${wanted} for template ${template.id}`,
      );
    }
    return { template, version, data };
  }

  #find(ref: TemplateRef): StoredTemplate {
    if (ref.id !== undefined) {
      const template = this.#byId.get(ref.id);
      if (!template) {
        throw new Ec2ApiError(
          "InvalidLaunchTemplateId.NotFound",
          `The specified launch template, with template ID ${ref.id}, does not exist.`,
        );
      }
      return template;
    }
    if (ref.name === undefined) throw missing("LaunchTemplateId or LaunchTemplateName");
    const template = this.#byName(ref.name);
    if (!template) {
      throw new Ec2ApiError(
        "InvalidLaunchTemplateName.NotFoundException",
        `The specified launch template, with template name ${ref.name}, does not exist.`,
      );
    }
    return template;
  }

  #byName(name: string): StoredTemplate | undefined {
    return [...this.#byId.values()].find((t) => t.name === name);
  }
}

/** Request values override the template's, field by field (RunInstances API reference, LaunchTemplate). */
export function mergeLaunchParams(template: LaunchParams, request: LaunchParams): LaunchParams {
  const merged: LaunchParams = { ...template, ...request };
  if (template.metadataOptions || request.metadataOptions) {
    merged.metadataOptions = { ...template.metadataOptions, ...request.metadataOptions };
  }
  if (template.instanceTags || request.instanceTags) {
    merged.instanceTags = { ...template.instanceTags, ...request.instanceTags };
  }
  if (template.volumeTags || request.volumeTags) {
    merged.volumeTags = { ...template.volumeTags, ...request.volumeTags };
  }
  if (template.blockDevices && request.blockDevices) {
    const names = new Set(request.blockDevices.map((d) => d.deviceName));
    merged.blockDevices = [
      ...template.blockDevices.filter((d) => !names.has(d.deviceName)),
      ...request.blockDevices,
    ];
  }
  return merged;
}

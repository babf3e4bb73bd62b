import { dryRun, invalidValue } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { parseLaunchParams } from "../launch-params.js";
import type { StoredTemplate } from "../launch-templates.js";
import { Query } from "../query.js";
import { parseTagSpecifications } from "../tags.js";
import { children, tagSet } from "../xml.js";

/** CreateLaunchTemplate: one version, which is the default and the latest. */
export const createLaunchTemplate: ActionHandler = (q, ctx) => {
  const name = q.required("LaunchTemplateName");
  const data = parseLaunchParams(q.sub("LaunchTemplateData") ?? Query.empty());
  const tags = parseTagSpecifications(q, ["launch-template"])["launch-template"] ?? {};
  const token = q.str("ClientToken");
  if (token !== undefined && token.length > 64) throw invalidValue("ClientToken", token);
  const key = `lt:${token}`;
  const fingerprint = q.fingerprint(["Action", "Version", "ClientToken", "DryRun"]);
  const earlier = token === undefined ? undefined : ctx.store.idempotent<StoredTemplate>(key, fingerprint);
  if (q.bool("DryRun")) throw dryRun();
  const template = earlier ?? ctx.templates.add(name, data);
  if (token !== undefined) ctx.store.remember(key, fingerprint, template);
  return children({
    launchTemplate: {
      launchTemplateId: template.id,
      launchTemplateName: template.name,
      createTime: new Date(template.createTime),
      createdBy: `arn:aws:iam::${ctx.options.accountId}:root`,
      defaultVersionNumber: template.defaultVersion,
      latestVersionNumber: template.versions.length,
      tagSet: Object.keys(tags).length > 0 ? tagSet(tags) : undefined,
    },
  });
};

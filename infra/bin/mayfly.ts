import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { AwsSolutionsChecks } from "cdk-nag";
import { ConfigError } from "../../src/errors.js";
import { MayflyStack } from "../lib/mayfly-stack.js";
import { readSettings } from "../lib/read-settings.js";

/**
 * CDK app entry. Run by the CDK CLI (infra/cdk.json) or directly: `npm run synth` passes
 * `--outdir cdk.out`, and with no `mayfly:*` context it synthesizes the example deployment offline.
 * Settings come from context only (`-c mayfly:<key>=…`, see docs/deploy.md).
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const outdirFlag = process.argv.indexOf("--outdir");
const app = new App(outdirFlag > 0 ? { outdir: process.argv[outdirFlag + 1] } : {});

try {
  const settings = readSettings({
    context: (key) => app.node.tryGetContext(key),
    readFile: (path) => readFileSync(path, "utf8"),
    root,
  });
  const image =
    "uri" in settings.image
      ? ecs.ContainerImage.fromRegistry(settings.image.uri)
      : ecs.ContainerImage.fromAsset(settings.image.directory, { platform: Platform.LINUX_AMD64 });
  new MayflyStack(app, settings.stackName, {
    ...settings.props,
    image,
    description: settings.example
      ? "Mayfly (example configuration: synth only, not deployable)"
      : "Mayfly: ephemeral self-hosted GitHub Actions runners on EC2",
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import { AwsSolutionsChecks } from "cdk-nag";
import { ConfigError } from "../../src/errors.js";
import { MayflyStack } from "../lib/mayfly-stack.js";
import { readDeployFile } from "../lib/read-deploy-file.js";
import { readSettings } from "../lib/read-settings.js";

/**
 * CDK app entry. Run by the CDK CLI (infra/cdk.json) or directly: `npm run synth` passes
 * `--outdir cdk.out`, and with no `mayfly:*` context it synthesizes the example deployment offline.
 * Settings come from one file (`-c mayfly:settings=<file>`, which `npm run deploy` passes, or
 * `--settings <file>` when run directly) and from context (`-c mayfly:<key>=…`), which wins.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const outdirFlag = process.argv.indexOf("--outdir");
const app = new App(outdirFlag > 0 ? { outdir: process.argv[outdirFlag + 1] } : {});

const settingsFlag = process.argv.indexOf("--settings");

try {
  const settingsPath =
    (app.node.tryGetContext("mayfly:settings") as string | undefined) ??
    (settingsFlag > 0 ? process.argv[settingsFlag + 1] : undefined);
  const fromFile = settingsPath
    ? readDeployFile(readFileSync(resolve(settingsPath), "utf8"), resolve(settingsPath))
    : {};
  const settings = readSettings({
    context: (key) => app.node.tryGetContext(key) ?? fromFile[key],
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

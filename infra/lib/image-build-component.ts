import { stringify } from "yaml";

/**
 * The EC2 Image Builder component (an AWSTOE document) that builds a runner image with the same scripts
 * Packer runs: download the image's files from the stack's assets, then install.sh and harden.sh. The
 * variant and the architecture's checksums are component parameters, so one component serves every
 * recipe. https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-use-documents.html
 */
export const COMPONENT_PARAMETERS = ["Variant", "RunnerArch", "RunnerSha256", "BuildxSha256"] as const;

export interface ComponentInput {
  /** File name (in infra/runner) → its S3 URL (s3://bucket/key). */
  files: Record<string, string>;
  runnerVersion: string;
  buildxVersion: string;
}

/** Files install.sh installs from $MAYFLY_FILES, and the two build scripts. */
export const IMAGE_FILES = [
  "bootstrap.sh",
  "mayfly-bootstrap.service",
  "image/cloud-init.cfg",
  "image/sysctl.conf",
  "image/docker-daemon.json",
  "image/install.sh",
  "image/harden.sh",
] as const;

export function imageBuildComponent(input: ComponentInput): string {
  const destination = (file: string) =>
    file.endsWith(".sh") && file.startsWith("image/")
      ? `/tmp/mayfly-build/${base(file)}`
      : `/tmp/mayfly/${base(file)}`;
  const env = [
    `RUNNER_VERSION=${input.runnerVersion}`,
    "RUNNER_ARCH={{ RunnerArch }}",
    "RUNNER_SHA256={{ RunnerSha256 }}",
    "VARIANT={{ Variant }}",
    `BUILDX_VERSION=${input.buildxVersion}`,
    "BUILDX_SHA256={{ BuildxSha256 }}",
    "BUILDER=imagebuilder",
    "SSM_AGENT=false",
  ].join(" ");
  return stringify({
    name: "mayfly-runner",
    description: "Mayfly runner image: infra/runner/image/install.sh then harden.sh",
    schemaVersion: 1.0,
    parameters: COMPONENT_PARAMETERS.map((name) => ({ [name]: { type: "string", description: name } })),
    phases: [
      {
        name: "build",
        steps: [
          {
            name: "Download",
            action: "S3Download",
            inputs: IMAGE_FILES.map((file) => ({
              source: input.files[file],
              destination: destination(file),
            })),
          },
          {
            name: "Install",
            action: "ExecuteBash",
            inputs: { commands: [`env ${env} bash /tmp/mayfly-build/install.sh`] },
          },
          // Last: it masks the SSM agent that runs this step (Image Builder then uninstalls it).
          {
            name: "Harden",
            action: "ExecuteBash",
            inputs: { commands: [`env ${env} bash /tmp/mayfly-build/harden.sh`] },
          },
        ],
      },
    ],
  });
}

function base(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

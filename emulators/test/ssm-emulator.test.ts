import { GetParameterCommand, GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SsmEmulator, startSsmEmulator } from "../src/ssm/emulator.js";

/** The Parameter Store emulator through the real SDK client: names and ARNs, versions, EC2 image data, errors. */

let emulator: SsmEmulator;
let ssm: SSMClient;
const ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/mayfly/images/runner-standard-x64";

beforeAll(async () => {
  emulator = await startSsmEmulator({
    parameters: { "/mayfly/images/runner-standard-x64": "ami-0123456789abcdef0" },
  });
  ssm = new SSMClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  ssm.destroy();
  await emulator.stop();
});

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (e: { name: string; message: string }) => `${e.name}: ${e.message}`,
  );

describe("SSM emulator", () => {
  it("gets a parameter by name or ARN, an AMI id typed aws:ec2:image", async () => {
    for (const Name of ["/mayfly/images/runner-standard-x64", ARN]) {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name }));
      expect(Parameter).toMatchObject({
        Name: "/mayfly/images/runner-standard-x64",
        Value: "ami-0123456789abcdef0",
        Type: "String",
        DataType: "aws:ec2:image",
        Version: 1,
        ARN,
      });
      expect(Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    }
  });

  it("counts versions when a parameter is written again", async () => {
    emulator.put("/mayfly/v", "one");
    emulator.put("/mayfly/v", "two");
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/mayfly/v" }));
    expect([Parameter?.Value, Parameter?.Version, Parameter?.DataType]).toEqual(["two", 2, "text"]);
  });

  it("GetParameter on a missing name is ParameterNotFound", async () => {
    expect(await errorOf(ssm.send(new GetParameterCommand({ Name: "/nope" })))).toBe(
      "ParameterNotFound: Parameter /nope not found.",
    );
  });

  it("GetParameters lists missing names in InvalidParameters, not as an error", async () => {
    const out = await ssm.send(
      new GetParametersCommand({ Names: ["/mayfly/images/runner-standard-x64", "/nope", "/nope"] }),
    );
    expect(out.Parameters?.map((p) => p.Value)).toEqual(["ami-0123456789abcdef0"]);
    expect(out.InvalidParameters).toEqual(["/nope"]);
  });

  it("GetParameters takes at most 10 names", async () => {
    const Names = Array.from({ length: 11 }, (_, i) => `/p${i}`);
    expect(await errorOf(ssm.send(new GetParametersCommand({ Names })))).toMatch(
      /^ValidationException: .*Member must have length less than or equal to 10$/,
    );
  });

  it("refuses an unsigned request", async () => {
    const unsigned = await fetch(emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSM.GetParameter" },
      body: "{}",
    });
    expect([unsigned.status, ((await unsigned.json()) as { __type: string }).__type]).toEqual([
      400,
      "UnrecognizedClientException",
    ]);
    expect(emulator.calls().every((c) => c.operation.startsWith("GetParameter"))).toBe(true);
  });
});

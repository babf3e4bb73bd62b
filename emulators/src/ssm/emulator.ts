import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, listen, readBody } from "../http.js";
import { AWS_JSON_CONTENT_TYPE, parseAwsJsonObject, writeAwsJson } from "../support/aws-json.js";
import { ParameterStore, type StoredParameter } from "./parameter-store.js";
import { SsmError, validation } from "./ssm-error.js";

/**
 * A Systems Manager Parameter Store emulator for `@aws-sdk/client-ssm` over HTTP: AWS JSON 1.1
 * (`x-amz-target: AmazonSSM.<Operation>`), SigV4 header required but not verified. GetParameter (a
 * missing name is ParameterNotFound) and GetParameters (at most 10 names; missing ones are listed in
 * InvalidParameters, not an error), by name or ARN. Version and label selectors (`name:3`) are not
 * implemented. Parameters are written by the test (`put`), the way an image pipeline writes its AMI.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html
 */

export interface SsmEmulatorOptions {
  host?: string;
  port?: number;
  region?: string;
  accountId?: string;
  /** Parameters present at start: path → value (an AMI id is stored with data type aws:ec2:image). */
  parameters?: Record<string, string>;
  now?: () => number;
}

export interface SsmEmulator {
  url: string;
  put(name: string, value: string): void;
  delete(name: string): void;
  /** Every call answered, in order, with the names it asked for. */
  calls(): readonly { operation: string; names: string[] }[];
  stop(): Promise<void>;
}

const AMI = /^ami-[0-9a-f]{8,17}$/;

export async function startSsmEmulator(options: SsmEmulatorOptions = {}): Promise<SsmEmulator> {
  const store = new ParameterStore(
    options.region ?? "us-east-1",
    options.accountId ?? "123456789012",
    options.now ?? Date.now,
  );
  const put = (name: string, value: string) =>
    store.put(name, value, AMI.test(value) ? "aws:ec2:image" : "text");
  for (const [name, value] of Object.entries(options.parameters ?? {})) put(name, value);
  const calls: { operation: string; names: string[] }[] = [];
  const shape = (p: StoredParameter) => ({
    Name: p.name,
    Type: p.type,
    Value: p.value,
    Version: p.version,
    LastModifiedDate: p.lastModified / 1000,
    ARN: store.arnOf(p),
    DataType: p.dataType,
  });

  const operations: Record<string, (input: Record<string, unknown>) => { names: string[]; body: unknown }> = {
    GetParameter(input) {
      const name = requiredName(input.Name);
      const found = store.find(name);
      if (!found) throw new SsmError("ParameterNotFound", `Parameter ${name} not found.`);
      return { names: [name], body: { Parameter: shape(found) } };
    },
    GetParameters(input) {
      const names = input.Names;
      if (!Array.isArray(names) || names.length === 0) {
        throw validation(
          "1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null",
        );
      }
      if (names.length > 10) {
        throw validation(
          `1 validation error detected: Value '[${names.join(", ")}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`,
        );
      }
      const asked = names.map(requiredName);
      const unique = [...new Set(asked)];
      const found = unique.flatMap((n) => {
        const p = store.find(n);
        return p ? [shape(p)] : [];
      });
      return {
        names: asked,
        body: { Parameters: found, InvalidParameters: unique.filter((n) => !store.find(n)) },
      };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const authorization = req.headers.authorization ?? "";
      if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[^/]+\/ssm\/aws4_request,/.test(authorization)) {
        throw new SsmError(
          "UnrecognizedClientException",
          "The security token included in the request is invalid.",
        );
      }
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith("AmazonSSM.") ? target.slice("AmazonSSM.".length) : "";
      const run = operations[operation];
      if (!run) throw new SsmError("UnknownOperationException", `Unknown operation ${target}`);
      if (!String(req.headers["content-type"] ?? "").startsWith(AWS_JSON_CONTENT_TYPE)) {
        throw new SsmError("SerializationException", `Expected ${AWS_JSON_CONTENT_TYPE}`);
      }
      const input = parseAwsJsonObject(
        (await readBody(req, 64 * 1024)).toString("utf8"),
        (m) => new SsmError("SerializationException", m),
      );
      const { names, body } = run(input);
      calls.push({ operation, names });
      writeAwsJson(res, 200, body, requestId);
    } catch (error) {
      if (error instanceof SsmError) return writeAwsJson(res, error.status, error.body, requestId);
      if (error instanceof BodyTooLargeError) {
        return writeAwsJson(res, 413, { __type: "RequestEntityTooLarge", message: error.message }, requestId);
      }
      writeAwsJson(res, 500, { __type: "InternalServerError", message: String(error) }, requestId);
    }
  }

  const server = await listen((req, res) => void handle(req, res), {
    host: options.host,
    port: options.port,
  });
  return {
    url: server.url,
    put: (name, value) => void put(name, value),
    delete: (name) => store.delete(name),
    calls: () => calls,
    stop: () => server.close(),
  };
}

function requiredName(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) {
    throw validation(
      "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length between 1 and 2048",
    );
  }
  return value;
}

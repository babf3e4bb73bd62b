import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { signDocument } from "./identity.js";
import type { InstanceStore } from "./instance-store.js";
import type { InstanceRecord } from "./model.js";

/**
 * Per-instance IMDSv2 under `/imds/<instanceId>` (a real instance uses http://169.254.169.254).
 * Token rules from https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html
 * (reference/limits-and-identity.md §1.5): PUT /latest/api/token with a TTL of 1–21600 s, refused when the
 * request carries X-Forwarded-For; tokens are instance-specific; with HttpTokens=required a missing,
 * expired or foreign token is 401. The hop limit cannot be emulated over loopback HTTP.
 */
export class Imds {
  readonly #tokens = new Map<string, { instanceId: string; expiresAt: number }>();
  readonly #signatures = new WeakMap<InstanceRecord, { document: string; signature: string }>();
  readonly #store: InstanceStore;
  readonly #now: () => number;
  readonly #settleTags: () => void;

  constructor(store: InstanceStore, now: () => number, settleTags: () => void = () => {}) {
    this.#store = store;
    this.#now = now;
    this.#settleTags = settleTags;
  }

  handle(req: IncomingMessage, res: ServerResponse, instanceId: string, path: string): void {
    const { status, body, headers } = this.#answer(req, instanceId, path);
    res.writeHead(status, {
      "content-type": "text/plain",
      "content-length": Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  }

  #answer(req: IncomingMessage, instanceId: string, path: string): Answer {
    const instance = this.#store.get(instanceId);
    if (!instance) return answer(404, "Not Found");
    // IMDS lives on the instance: nothing answers unless it is running.
    if (instance.state !== "running") return answer(503, "Instance is not running");
    if (instance.metadataOptions.httpEndpoint === "disabled") return answer(403, "Forbidden");
    if (path === "/latest/api/token") return this.#token(req, instance);
    if (req.method !== "GET" && req.method !== "HEAD") return answer(405, "Method Not Allowed");
    if (!this.#authorized(req, instance)) return answer(401, "Unauthorized");
    this.#settleTags();
    const value =
      path === "/latest/dynamic/instance-identity/signature"
        ? this.#signature(instance)
        : metadata(instance, path);
    if (value === undefined) return answer(404, "Not Found");
    return answer(200, req.method === "HEAD" ? "" : value);
  }

  #token(req: IncomingMessage, instance: InstanceRecord): Answer {
    if (req.method !== "PUT") return answer(405, "Method Not Allowed");
    if (req.headers["x-forwarded-for"] !== undefined) return answer(403, "Forbidden");
    const ttlHeader = req.headers["x-aws-ec2-metadata-token-ttl-seconds"];
    const ttl = typeof ttlHeader === "string" && /^\d+$/.test(ttlHeader) ? Number(ttlHeader) : Number.NaN;
    if (!(ttl >= 1 && ttl <= 21_600)) return answer(400, "Bad Request");
    this.#sweep();
    const token = randomBytes(42).toString("base64");
    this.#tokens.set(token, { instanceId: instance.instanceId, expiresAt: this.#now() + ttl * 1000 });
    return answer(200, token, { "x-aws-ec2-metadata-token-ttl-seconds": String(ttl) });
  }

  #authorized(req: IncomingMessage, instance: InstanceRecord): boolean {
    const token = req.headers["x-aws-ec2-metadata-token"];
    if (token === undefined) return instance.metadataOptions.httpTokens === "optional";
    const entry = typeof token === "string" ? this.#tokens.get(token) : undefined;
    return entry !== undefined && entry.instanceId === instance.instanceId && entry.expiresAt > this.#now();
  }

  /** PKCS#1 v1.5 is deterministic: one signature per document (a start makes a new one), computed once. */
  #signature(instance: InstanceRecord): string {
    const cached = this.#signatures.get(instance);
    if (cached?.document === instance.identityDocument) return cached.signature;
    const signature = signDocument(instance.identityDocument);
    this.#signatures.set(instance, { document: instance.identityDocument, signature });
    return signature;
  }

  #sweep(): void {
    if (this.#tokens.size < 1000) return;
    const now = this.#now();
    for (const [token, entry] of this.#tokens) if (entry.expiresAt <= now) this.#tokens.delete(token);
  }
}

function metadata(i: InstanceRecord, path: string): string | undefined {
  const tagsEnabled = i.metadataOptions.instanceMetadataTags === "enabled";
  const fixed: Record<string, string | undefined> = {
    "/latest/meta-data/instance-id": i.instanceId,
    "/latest/meta-data/instance-type": i.instanceType,
    "/latest/meta-data/ami-id": i.imageId,
    "/latest/meta-data/local-ipv4": i.privateIp,
    "/latest/meta-data/local-hostname": `ip-${i.privateIp.replaceAll(".", "-")}.ec2.internal`,
    "/latest/meta-data/public-ipv4": i.publicIp,
    "/latest/meta-data/placement/availability-zone": i.availabilityZone,
    "/latest/meta-data/placement/region": i.availabilityZone.slice(0, -1),
    "/latest/meta-data/tags/instance": tagsEnabled ? Object.keys(i.tags).join("\n") : undefined,
    "/latest/user-data": i.userData,
    "/latest/dynamic/instance-identity/document": i.identityDocument,
  };
  if (path === "/latest/meta-data" || path === "/latest/meta-data/") {
    return Object.keys(fixed)
      .filter((p) => p.startsWith("/latest/meta-data/") && fixed[p] !== undefined)
      .map((p) => p.slice("/latest/meta-data/".length))
      .join("\n");
  }
  const tagPrefix = "/latest/meta-data/tags/instance/";
  if (path.startsWith(tagPrefix)) {
    return tagsEnabled ? i.tags[decodeURIComponent(path.slice(tagPrefix.length))] : undefined;
  }
  return fixed[path];
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

function answer(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return { status, body, headers };
}

import { createHash } from "node:crypto";

/** The digests SQS returns and the SDK checks (@aws-sdk/middleware-sdk-sqs validates MD5OfBody on every message). */

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64 on the wire (the JSON protocol encodes blobs as base64). */
  BinaryValue?: string;
}

export const md5Hex = (data: string | Uint8Array): string => createHash("md5").update(data).digest("hex");

/**
 * MD5OfMessageAttributes: attributes sorted by name, each encoded as length-prefixed (4-byte big-endian)
 * name and data type, a transport byte (1 = String/Number, 2 = Binary) and the length-prefixed value.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 * (section "Calculating the MD5 message digest for message attributes").
 */
export function md5OfMessageAttributes(
  attributes: Record<string, MessageAttributeValue>,
): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes[name]!;
    parts.push(
      lengthPrefixed(Buffer.from(name, "utf8")),
      lengthPrefixed(Buffer.from(attribute.DataType, "utf8")),
    );
    if (attribute.DataType.startsWith("Binary")) {
      parts.push(Buffer.of(2), lengthPrefixed(Buffer.from(attribute.BinaryValue ?? "", "base64")));
    } else {
      parts.push(Buffer.of(1), lengthPrefixed(Buffer.from(attribute.StringValue ?? "", "utf8")));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

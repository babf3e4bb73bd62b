/** Renders EC2 Query-protocol XML: lowerCamel elements, lists as `<name><item>…</item></name>`. */

export const EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | readonly XmlValue[]
  | { readonly [key: string]: XmlValue };

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One element; `undefined`/`null` render nothing, arrays render `item` children. */
export function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element("item", v)).join("")}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === "object") return `<${name}>${children(value as Record<string, XmlValue>)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function children(fields: Record<string, XmlValue>): string {
  return Object.entries(fields)
    .map(([name, value]) => element(name, value))
    .join("");
}

export function responseXml(action: string, requestId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${body}</${action}Response>`;
}

export function errorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

/** Key/value tags as EC2 lists them. */
export function tagSet(tags: Record<string, string>): XmlValue[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

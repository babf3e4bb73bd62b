import { invalidValue, missing } from "./api-error.js";

/**
 * EC2 Query parameters as a tree: `TagSpecification.1.Tag.2.Key=v` becomes nested nodes, and lists are
 * the numbered (1-based) children of a node. Reading helpers throw the EC2 error for a bad value.
 */
interface Node {
  value?: string;
  children: Map<string, Node>;
}

export class Query {
  readonly #node: Node;

  private constructor(node: Node) {
    this.#node = node;
  }

  static parse(body: string): Query {
    const root: Node = { children: new Map() };
    for (const [key, value] of new URLSearchParams(body)) {
      let node = root;
      for (const part of key.split(".")) {
        let next = node.children.get(part);
        if (!next) {
          next = { children: new Map() };
          node.children.set(part, next);
        }
        node = next;
      }
      node.value = value;
    }
    return new Query(root);
  }

  static empty(): Query {
    return new Query({ children: new Map() });
  }

  #find(path: string): Node | undefined {
    let node: Node | undefined = this.#node;
    for (const part of path.split(".")) node = node?.children.get(part);
    return node;
  }

  has(path: string): boolean {
    return this.#find(path) !== undefined;
  }

  str(path: string): string | undefined {
    return this.#find(path)?.value;
  }

  required(path: string): string {
    const value = this.str(path);
    if (value === undefined || value === "") throw missing(path);
    return value;
  }

  int(path: string): number | undefined {
    const value = this.str(path);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw invalidValue(path, value);
    return Number(value);
  }

  bool(path: string): boolean | undefined {
    const value = this.str(path);
    if (value === undefined) return undefined;
    if (value !== "true" && value !== "false") throw invalidValue(path, value);
    return value === "true";
  }

  /** A nested structure, or undefined if none of its members were sent. */
  sub(path: string): Query | undefined {
    const node = this.#find(path);
    return node ? new Query(node) : undefined;
  }

  /** The members of a 1-based list, in index order. */
  list(path: string): Query[] {
    const node = this.#find(path);
    if (!node) return [];
    return [...node.children.entries()]
      .filter(([index]) => /^\d+$/.test(index))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, child]) => new Query(child));
  }

  strings(path: string): string[] {
    return this.list(path)
      .map((q) => q.#node.value)
      .filter((v): v is string => v !== undefined);
  }

  /** Every leaf as `path=value`, sorted: the request's identity for ClientToken idempotency. */
  fingerprint(exclude: readonly string[]): string {
    const leaves: string[] = [];
    const walk = (node: Node, prefix: string) => {
      if (node.value !== undefined && !exclude.includes(prefix)) leaves.push(`${prefix}=${node.value}`);
      for (const [key, child] of node.children) walk(child, prefix ? `${prefix}.${key}` : key);
    };
    walk(this.#node, "");
    return leaves.sort().join("&");
  }
}

import { SsmError } from "./ssm-error.js";

/** One stored parameter, as GetParameter returns it. */
export interface StoredParameter {
  name: string;
  value: string;
  type: "String" | "StringList" | "SecureString";
  dataType: "text" | "aws:ec2:image";
  version: number;
  lastModified: number;
}

/**
 * The parameters of one account and Region. A name is found by its path or its ARN
 * (`arn:aws:ssm:<region>:<account>:parameter/<path without the leading slash>`).
 */
export class ParameterStore {
  readonly #byName = new Map<string, StoredParameter>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly now: () => number,
  ) {}

  /** Writes a parameter (a new version if it exists), the way PutParameter with Overwrite does. */
  put(name: string, value: string, dataType: StoredParameter["dataType"] = "text"): StoredParameter {
    const previous = this.#byName.get(name);
    const parameter: StoredParameter = {
      name,
      value,
      type: "String",
      dataType,
      version: (previous?.version ?? 0) + 1,
      lastModified: this.now(),
    };
    this.#byName.set(name, parameter);
    return parameter;
  }

  delete(name: string): void {
    this.#byName.delete(name);
  }

  /** The parameter a name or ARN refers to; undefined when there is none. */
  find(nameOrArn: string): StoredParameter | undefined {
    return this.#byName.get(this.#nameOf(nameOrArn));
  }

  arnOf(parameter: StoredParameter): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter/${parameter.name.replace(/^\//, "")}`;
  }

  #nameOf(nameOrArn: string): string {
    if (!nameOrArn.startsWith("arn:")) return nameOrArn;
    const prefix = `arn:aws:ssm:${this.region}:${this.accountId}:parameter`;
    if (!nameOrArn.startsWith(prefix)) {
      throw new SsmError("ValidationException", `Invalid parameter ARN: ${nameOrArn}`);
    }
    const rest = nameOrArn.slice(prefix.length);
    // A hierarchical name's ARN drops its leading slash (parameter/mayfly/x is /mayfly/x).
    return rest.slice(1).includes("/") ? rest : rest.slice(1);
  }
}

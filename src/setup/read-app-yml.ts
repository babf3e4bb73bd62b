import { parse } from "yaml";
import { ConfigError } from "../errors.js";
import { type AppYml, appYmlSchema } from "./build-manifest.js";

/** Parses `app.yml`; a file that cannot be a manifest is a ConfigError naming each key. */
export function readAppYml(text: string, path: string): AppYml {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new ConfigError([
      {
        key: "MAYFLY_APP_MANIFEST_PATH",
        problem: `${path} is not YAML (${(error as Error).message})`,
        fix: "restore app.yml from the repository",
      },
    ]);
  }
  const parsed = appYmlSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => ({
      key: `${path}: ${issue.path.join(".") || "(root)"}`,
      problem: issue.message,
      fix: "restore app.yml from the repository, or see GitHub's manifest parameters",
    })),
  );
}

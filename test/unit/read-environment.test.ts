import { describe, expect, it } from "vitest";
import { readEnvironment } from "../../src/config.js";

const enoent = () => {
  throw Object.assign(new Error("no such file"), { code: "ENOENT" });
};

describe("readEnvironment (.env loading)", () => {
  it.each([
    {
      name: "the file fills what is unset",
      env: {},
      file: "PUBLIC_URL=https://a.example\n",
      want: { PUBLIC_URL: "https://a.example" },
    },
    {
      name: "the process environment wins",
      env: { PUBLIC_URL: "https://b.example" },
      file: "PUBLIC_URL=https://a.example\n",
      want: { PUBLIC_URL: "https://b.example" },
    },
    {
      name: "quoted \\n become newlines",
      env: {},
      file: 'PRIVATE_KEY="line1\\nline2"\n',
      want: { PRIVATE_KEY: "line1\nline2" },
    },
  ])("$name", ({ env, file, want }) => {
    expect(readEnvironment({ env, readFile: () => file })).toMatchObject(want);
  });

  it("reads MAYFLY_ENV_FILE, and a missing file is no error", () => {
    const paths: string[] = [];
    const got = readEnvironment({
      env: { MAYFLY_ENV_FILE: "/etc/mayfly/env" },
      readFile: (path) => {
        paths.push(path);
        return enoent();
      },
    });
    expect(paths).toEqual(["/etc/mayfly/env"]);
    expect(got).toEqual({ MAYFLY_ENV_FILE: "/etc/mayfly/env" });
  });
});

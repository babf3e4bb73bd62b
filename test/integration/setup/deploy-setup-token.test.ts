import { readFileSync } from "node:fs";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { createSetupGuard } from "../../../src/setup/setup-guard.js";
import { useSecretsManager } from "../../helpers/secrets-manager.js";
import { exampleStack, ROOT } from "../../unit/infra/fixtures.js";

/**
 * docs/deploy.md step 3 reads the setup token with
 * `aws secretsmanager get-secret-value --query SecretString --output text --secret-id <SetupTokenSecretArn>`.
 * That prints the token only if the stack outputs that ARN, the secret's SecretString IS the token (a
 * generated string, not a JSON document), and the app is given the same secret as MAYFLY_SETUP_TOKEN.
 * The command is read from the doc, checked against the synthesized template, and replayed with the
 * SDK (GetSecretValue, then SecretString: what `--query SecretString --output text` prints) against the
 * Secrets Manager emulator; the app's setup guard then accepts what it printed.
 */
const DEPLOY_DOC = readFileSync(`${ROOT}/docs/deploy.md`, "utf8");

const sm = useSecretsManager();

describe("docs/deploy.md step 3: reading the setup token", () => {
  const command = /`(aws secretsmanager get-secret-value [^`]+)`/.exec(DEPLOY_DOC)?.[1] ?? "";
  const { template } = exampleStack();
  const outputs = template.findOutputs("*");

  it("names a stack output and asks for the bare SecretString", () => {
    expect(command).toMatch(/--query SecretString --output text/);
    const placeholder = /--secret-id <([A-Za-z]+)>/.exec(command)?.[1];
    expect(placeholder).toBe("SetupTokenSecretArn");
    expect(outputs[placeholder ?? ""]?.Value).toEqual({ Ref: expect.stringMatching(/^SecretsSetupToken/) });
  });

  it("reads a secret whose value is the token itself, which the app is given as MAYFLY_SETUP_TOKEN", () => {
    const secretId = (outputs.SetupTokenSecretArn?.Value as { Ref?: string } | undefined)?.Ref ?? "";
    const secret = template.findResources("AWS::SecretsManager::Secret")[secretId]?.Properties;
    // No template and key: SecretString is the generated string, not JSON around it.
    expect(secret?.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(secret?.GenerateSecretString.SecretStringTemplate).toBeUndefined();
    expect(secret?.GenerateSecretString.GenerateStringKey).toBeUndefined();
    const [task] = Object.values(template.findResources("AWS::ECS::TaskDefinition"));
    const containers = (task?.Properties.ContainerDefinitions ?? []) as {
      Secrets?: { Name: string; ValueFrom: unknown }[];
    }[];
    const env = containers.flatMap((c) => c.Secrets ?? []);
    expect(env.find((s) => s.Name === "MAYFLY_SETUP_TOKEN")?.ValueFrom).toEqual({ Ref: secretId });
  });

  it("prints what the app accepts, when replayed against Secrets Manager", async () => {
    // As generateSecretString makes it: 64 letters and digits.
    const generated = "Q7aZ0p".repeat(10).concat("x9Yb");
    const arn = sm.emulator.createSecret("SecretsSetupToken-a1b2c3", generated);
    const answer = await sm.client.send(new GetSecretValueCommand({ SecretId: arn }));
    const printed = `${answer.SecretString}\n`; // --output text prints the string and a newline
    const guard = createSetupGuard({ token: generated, publicUrl: "https://mayfly.example.com" });
    expect(guard.tokenMatches(printed)).toBe(true);
    expect(guard.tokenMatches(printed.replace("Q7", "q7"))).toBe(false);
  });
});

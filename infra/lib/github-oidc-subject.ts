/**
 * The `sub` claim a GitHub Actions OIDC token must carry for a role to trust it. GitHub's default
 * subject formats (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims):
 *   repo:OWNER/REPO:ref:refs/heads/BRANCH
 *   repo:OWNER/REPO:ref:refs/tags/TAG
 *   repo:OWNER/REPO:environment:NAME
 * A trust policy that matches more than one repository and one branch, tag or environment lets any
 * workflow there (including one a contributor just pushed) assume the role, so anything broader is
 * refused here, at synth, with a message saying what it would admit.
 */

export type GithubOidcSubjectSpec =
  | { subject: string }
  | { repository: string; branch?: string; environment?: string; tag?: string };

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const WILDCARD = /[*?[\]]/;

export class GithubOidcSubjectError extends Error {
  override name = "GithubOidcSubjectError";
}

/** Returns the exact subject to put in the trust policy (matched with StringEquals), or throws. */
export function githubOidcSubject(spec: GithubOidcSubjectSpec): string {
  if ("subject" in spec) return checkSubject(spec.subject);
  const scopes = [
    spec.branch !== undefined ? `ref:refs/heads/${spec.branch}` : undefined,
    spec.tag !== undefined ? `ref:refs/tags/${spec.tag}` : undefined,
    spec.environment !== undefined ? `environment:${spec.environment}` : undefined,
  ].filter((s) => s !== undefined);
  if (scopes.length > 1) {
    throw new GithubOidcSubjectError(
      `GitHub OIDC role for ${spec.repository} names more than one of branch, tag and environment; a token carries exactly one, so name one`,
    );
  }
  return checkSubject(`repo:${spec.repository}${scopes[0] ? `:${scopes[0]}` : ""}`);
}

function checkSubject(subject: string): string {
  const fail = (why: string): never => {
    throw new GithubOidcSubjectError(`GitHub OIDC subject "${subject}" ${why}`);
  };
  const match = /^repo:([^:]*)(?::(.*))?$/.exec(subject);
  if (!match) fail('must start with "repo:OWNER/REPO"');
  const [owner, repo, ...rest] = (match?.[1] ?? "").split("/");
  if (WILDCARD.test(match?.[1] ?? "") || rest.length > 0) {
    fail("would admit other repositories: name exactly one repository as OWNER/REPO, without * or ?");
  }
  if (!owner || !OWNER.test(owner) || !repo || !REPO.test(repo)) {
    fail("must name one repository as OWNER/REPO");
  }
  const scope = match?.[2];
  if (scope === undefined || scope === "") {
    fail(
      "names no branch, tag or environment: add one, e.g. :ref:refs/heads/main or :environment:production",
    );
  }
  if (WILDCARD.test(scope ?? "")) {
    fail("would admit any branch, tag or environment: name exactly one, without * or ?");
  }
  const named = /^(?:ref:refs\/heads\/|ref:refs\/tags\/|environment:)(.+)$/.exec(scope ?? "");
  if (!named || named[1]?.trim() !== named[1]) {
    fail(
      "must end with :ref:refs/heads/BRANCH, :ref:refs/tags/TAG or :environment:NAME (pull_request and other subjects admit any branch)",
    );
  }
  return subject;
}

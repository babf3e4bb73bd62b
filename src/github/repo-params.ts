/** `owner/name` as the `{owner}` and `{repo}` parameters of GitHub's repository routes. */
export function repoParams(fullName: string): { owner: string; repo: string } {
  const [owner = "", repo = ""] = fullName.split("/");
  return { owner, repo };
}

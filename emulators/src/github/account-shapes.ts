import { isoSeconds } from "./ids.js";
import type { AppRecord, InstallationRecord, OrgRecord, RepoRecord, UserRecord } from "./records.js";

/**
 * JSON shapes of GitHub accounts, repositories, apps and installations (@octokit/openapi-types
 * `simple-user`, `organization-simple`, `repository`, `integration`, `installation`).
 */

export const WEB = "https://github.com";

export function simpleUser(api: string, user: { login: string; id: number; nodeId: string }, type = "User") {
  const url = `${api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `${WEB}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function privateUser(api: string, user: UserRecord) {
  return {
    ...simpleUser(api, user),
    name: user.login,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: isoSeconds(user.createdAt),
    updated_at: isoSeconds(user.createdAt),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

export function simpleOrg(api: string, org: OrgRecord) {
  const url = `${api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: org.nodeId,
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: null,
  };
}

export function repository(api: string, repo: RepoRecord, fork = false) {
  const fullName = `${repo.org.login}/${repo.name}`;
  const url = `${api}/repos/${fullName}`;
  const created = isoSeconds(repo.createdAt);
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: fullName,
    private: repo.visibility !== "public",
    visibility: repo.visibility,
    owner: simpleUser(api, repo.org, "Organization"),
    html_url: `${WEB}/${fullName}`,
    description: null,
    fork,
    url,
    forks_url: `${url}/forks`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${WEB}/${fullName}.git`,
    svn_url: `${WEB}/${fullName}`,
    homepage: null,
    language: null,
    license: null,
    mirror_url: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: "main",
    open_issues_count: 0,
    open_issues: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    pushed_at: created,
    created_at: created,
    updated_at: created,
  };
}

export function appShape(api: string, app: AppRecord, owner: OrgRecord | undefined) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: app.nodeId,
    client_id: app.clientId,
    owner: owner ? simpleUser(api, owner, "Organization") : null,
    name: app.name,
    description: null,
    external_url: `${WEB}/apps/${app.slug}`,
    html_url: `${WEB}/apps/${app.slug}`,
    created_at: isoSeconds(app.createdAt),
    updated_at: isoSeconds(app.createdAt),
    permissions: app.permissions,
    events: app.events,
    installations_count: 0,
  };
}

export function installationShape(api: string, installation: InstallationRecord) {
  const { app, org } = installation;
  return {
    id: installation.id,
    account: simpleUser(api, org, "Organization"),
    repository_selection: "all",
    access_tokens_url: `${api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${WEB}/organizations/${org.login}/settings/installations/${installation.id}`,
    app_id: app.id,
    client_id: app.clientId,
    app_slug: app.slug,
    target_id: org.id,
    target_type: "Organization",
    permissions: installation.permissions,
    events: app.events,
    created_at: isoSeconds(installation.createdAt),
    updated_at: isoSeconds(installation.createdAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

import type { ProtoshipConfig } from "./schema.js";
import type { GitReader } from "../git/git.js";

/** Hosts npm provenance is issued for: their repository URL must be the web one, `https://<host>/<owner>/<repo>`. */
const WEB_HOSTS = new Set(["github.com", "gitlab.com"]);
const SCHEMES = new Set(["https:", "http:", "ssh:", "git:", "git+ssh:", "git+https:", "git+http:"]);

/**
 * npm's `repository.url` for a git remote's URL, never with credentials: a token or password in the
 * URL is dropped (and, over http(s), the user name too). GitHub and GitLab remotes, over ssh or
 * https, become `git+https://<host>/<owner>/<repo>.git`, the form npm's provenance check compares
 * with the repository the build ran in. A local path, a `file:` URL or anything unparsable gives
 * undefined: there is no public repository to name.
 */
export function repositoryUrl(remote: string): string | undefined {
  const text = remote.trim();
  // Control characters or spaces never belong in a URL written into package.json.
  if (!text || text.length > 2048 || /[\s\u0000-\u001f\u007f]/.test(text)) return undefined;
  let url: URL;
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(text);
  try {
    url = scp ? new URL(`ssh://git@${scp[1]}/${scp[2]!.replace(/^\/+/, "")}`) : new URL(text);
  } catch {
    return undefined;
  }
  if (!SCHEMES.has(url.protocol) || !url.hostname) return undefined;
  const repoPath = url.pathname.replace(/\/+$/, "");
  if (!repoPath || repoPath === "/") return undefined;
  const host = url.hostname.toLowerCase();
  if (WEB_HOSTS.has(host)) {
    const name = repoPath.replace(/^\/+/, "").replace(/\.git$/, "");
    return `git+https://${host}/${name}.git`;
  }
  const ssh = /ssh:$/.test(url.protocol);
  const user = ssh && url.username ? `${url.username}@` : "";
  const port = url.port ? `:${url.port}` : "";
  const scheme = url.protocol.startsWith("git+") || url.protocol === "git:" ? url.protocol : `git+${url.protocol}`;
  return `${scheme}//${user}${host}${port}${repoPath}`;
}

/**
 * The repository the stub packages name in their package.json (`repository.url`, which npm needs
 * to publish with provenance): `stubs.repository` from protoship.yaml, else the URL of the release
 * remote (`release.remote`, default origin) as git has it configured, either without credentials
 * ({@link repositoryUrl}); undefined when neither names a public repository.
 */
export async function stubRepository(config: ProtoshipConfig, repo: GitReader | undefined): Promise<string | undefined> {
  if (config.stubs.repository) return repositoryUrl(config.stubs.repository);
  if (!repo) return undefined;
  // The URL as configured (not rewritten by url.<base>.insteadOf): the name the team gave the remote.
  const configured = (await repo.configValue(`remote.${config.release.remote}.url`)) ?? "";
  return repositoryUrl(configured);
}

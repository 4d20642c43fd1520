import { EnvironmentError, InternalError } from "../errors.js";
import type { PullRequestContext } from "./actions-context.js";

/** What {@link upsertComment} did to the pull request's comment. */
export interface UpsertResult {
  action: "created" | "updated" | "unchanged";
  id: number;
  url: string | undefined;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string } | null;
}

/**
 * The account GitHub Actions' GITHUB_TOKEN comments as. Such a token (an app installation's) cannot
 * read `GET /user`; its comments are this bot's.
 */
const ACTIONS_BOT = "github-actions[bot]";

/**
 * Keeps ONE comment on a pull request: the first comment whose body contains `marker` (an HTML
 * comment, invisible on GitHub) AND whose author is the identity the token acts as
 * ({@link tokenLogin}) is edited in place when its body changed; without one, a comment is created.
 * Anyone can write the marker: a comment of someone else is never edited (nor its text trusted).
 * `body` must contain the marker so the next run finds it again. Uses the REST API (issue
 * comments: a pull request is an issue), which needs `pull-requests: write`.
 */
export async function upsertComment(ctx: PullRequestContext, marker: string, body: string): Promise<UpsertResult> {
  if (!body.includes(marker)) throw new InternalError("upsertComment: the body must contain the marker");
  const repo = `/repos/${ctx.repository.split("/").map(encodeURIComponent).join("/")}`;
  const me = await tokenLogin(ctx);
  let existing: IssueComment | undefined;
  let next: string | undefined = `${ctx.apiUrl}${repo}/issues/${ctx.number}/comments?per_page=100`;
  while (next && !existing) {
    const response = await request(ctx, "GET", next);
    existing = ((await response.json()) as IssueComment[]).find((c) => c.user?.login === me && c.body?.includes(marker));
    // The token only ever goes to the API it was given for.
    next = nextPage(response.headers.get("link"));
    if (next && new URL(next).origin !== new URL(ctx.apiUrl).origin) next = undefined;
  }
  if (existing && existing.body === body) return { action: "unchanged", id: existing.id, url: existing.html_url };
  const response = existing
    ? await request(ctx, "PATCH", `${ctx.apiUrl}${repo}/issues/comments/${existing.id}`, { body })
    : await request(ctx, "POST", `${ctx.apiUrl}${repo}/issues/${ctx.number}/comments`, { body });
  const saved = (await response.json()) as IssueComment;
  return { action: existing ? "updated" : "created", id: saved.id, url: saved.html_url };
}

/**
 * The login of the account the token acts as: `GET /user` for a personal access token (classic or
 * fine-grained) or a GitHub App's user token; an installation token, such as Actions' GITHUB_TOKEN,
 * is refused there (403 "Resource not accessible by integration") and comments as
 * {@link ACTIONS_BOT}.
 */
async function tokenLogin(ctx: PullRequestContext): Promise<string> {
  const response = await request(ctx, "GET", `${ctx.apiUrl}/user`, undefined, [403]);
  if (response.status === 403) return ACTIONS_BOT;
  const login = ((await response.json().catch(() => ({}))) as { login?: unknown }).login;
  if (typeof login !== "string" || !login) throw new EnvironmentError("GitHub API: GET /user answered without a login");
  return login;
}

/** A request with the token; an answer that is not ok (and not one of `allowed`) is an EnvironmentError. */
async function request(
  ctx: PullRequestContext,
  method: string,
  url: string,
  json?: unknown,
  allowed: readonly number[] = [],
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${ctx.token}`,
        "user-agent": "protoship",
        "x-github-api-version": "2022-11-28",
        ...(json === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  } catch (error) {
    throw new EnvironmentError(`GitHub API: ${method} ${new URL(url).pathname} failed: ${(error as Error).message}`, undefined, error);
  }
  if (!response.ok && !allowed.includes(response.status)) {
    const detail = ((await response.json().catch(() => ({}))) as { message?: string }).message ?? response.statusText;
    const refused = response.status === 403 || response.status === 404;
    const hint = refused ? "the job needs permissions: pull-requests: write, and a token from this repository (not a fork)" : undefined;
    throw new EnvironmentError(`GitHub API: ${method} ${new URL(url).pathname} answered ${response.status}: ${detail}`, hint);
  }
  return response;
}

/** The rel="next" URL of a GitHub Link header. */
function nextPage(link: string | null): string | undefined {
  return link
    ?.split(",")
    .map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part)?.[1])
    .find(Boolean);
}

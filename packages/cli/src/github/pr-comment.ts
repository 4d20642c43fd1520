import { EnvironmentError } from "../errors.js";
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
}

/**
 * Keeps ONE comment on a pull request: the first comment whose body contains `marker` (an HTML
 * comment, invisible on GitHub) is edited in place when its body changed; without one, a comment
 * is created. `body` must contain the marker so the next run finds it again. Uses the REST API
 * (issue comments: a pull request is an issue), which needs `pull-requests: write`.
 */
export async function upsertComment(ctx: PullRequestContext, marker: string, body: string): Promise<UpsertResult> {
  if (!body.includes(marker)) throw new Error("upsertComment: the body must contain the marker");
  const repo = `/repos/${ctx.repository.split("/").map(encodeURIComponent).join("/")}`;
  let existing: IssueComment | undefined;
  let next: string | undefined = `${ctx.apiUrl}${repo}/issues/${ctx.number}/comments?per_page=100`;
  while (next && !existing) {
    const response = await request(ctx, "GET", next);
    existing = ((await response.json()) as IssueComment[]).find((c) => c.body?.includes(marker));
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

async function request(ctx: PullRequestContext, method: string, url: string, json?: unknown): Promise<Response> {
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
  if (!response.ok) {
    const detail = ((await response.json().catch(() => ({}))) as { message?: string }).message ?? response.statusText;
    const refused = response.status === 403 || response.status === 404;
    const hint = refused ? "the job needs permissions: pull-requests: write, and a token from this repository (not a fork)" : undefined;
    throw new EnvironmentError(`GitHub API: ${method} ${new URL(url).pathname} answered ${response.status}: ${detail}`, hint);
  }
  return response;
}

/** The rel="next" URL of a GitHub Link header. */
export function nextPage(link: string | null): string | undefined {
  return link
    ?.split(",")
    .map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part)?.[1])
    .find(Boolean);
}

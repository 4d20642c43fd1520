import { readFile } from "node:fs/promises";
import { EnvironmentError } from "../errors.js";

/** The pull request a GitHub Actions job runs for, and how to reach the REST API. */
export interface PullRequestContext {
  /** REST API root, e.g. https://api.github.com (GITHUB_API_URL; GitHub Enterprise has its own). */
  apiUrl: string;
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string;
  /** The pull request's number, from the event payload (GITHUB_EVENT_PATH). */
  number: number;
  token: string;
}

/**
 * Reads the pull request context from the variables GitHub Actions sets, and the token from
 * GITHUB_TOKEN (which a workflow must pass explicitly: `env: GITHUB_TOKEN: ${{ github.token }}`).
 * Anything missing is an EnvironmentError naming the variable.
 */
export async function pullRequestContext(env: NodeJS.ProcessEnv): Promise<PullRequestContext> {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) {
      throw new EnvironmentError(`${name} is not set: a pull-request comment can only be posted from GitHub Actions`, hintFor(name));
    }
    return value;
  };
  const token = need("GITHUB_TOKEN");
  const repository = need("GITHUB_REPOSITORY");
  const eventPath = need("GITHUB_EVENT_PATH");
  let payload: { pull_request?: { number?: unknown } };
  try {
    payload = JSON.parse(await readFile(eventPath, "utf8")) as typeof payload;
  } catch (error) {
    throw new EnvironmentError(`cannot read the event payload ${eventPath}`, undefined, error);
  }
  const number = payload.pull_request?.number;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number <= 0) {
    const event = env.GITHUB_EVENT_NAME ?? "current";
    throw new EnvironmentError(`the ${event} event is not about a pull request`, "post the comment only on pull_request events");
  }
  return { apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""), repository, number, token };
}

function hintFor(name: string): string {
  if (name !== "GITHUB_TOKEN") return "run it in a GitHub Actions job";
  return "pass it to the step: env: GITHUB_TOKEN: ${{ github.token }} (the job needs pull-requests: write)";
}

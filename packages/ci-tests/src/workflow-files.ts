import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

/** The monorepo root, found from this file. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** A step of a job or of a composite action, as written in YAML. */
export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}

/** A job as written in YAML (only the keys the tests look at). */
export interface WorkflowJob {
  name?: string;
  needs?: string | string[];
  if?: string | boolean;
  permissions?: string | Record<string, string>;
  env?: Record<string, unknown>;
  environment?: unknown;
  steps?: WorkflowStep[];
  uses?: string;
  /** Values the job hands to the jobs that need it, e.g. `matrix: ${{ steps.matrix.outputs.matrix }}`. */
  outputs?: Record<string, string>;
  strategy?: { matrix?: unknown; "fail-fast"?: boolean | string };
}

/** A workflow as written in YAML. */
export interface Workflow {
  name?: string;
  on: unknown;
  permissions?: string | Record<string, string>;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  env?: Record<string, unknown>;
  jobs: Record<string, WorkflowJob>;
}

/** A composite action's action.yml. */
export interface CompositeAction {
  name: string;
  description?: string;
  inputs?: Record<string, { default?: string; required?: boolean; description?: string }>;
  runs: { using: string; steps: WorkflowStep[] };
}

/** A YAML file of the pipeline: its repository-relative path, text and parsed document. */
export interface PipelineFile<T> {
  file: string;
  text: string;
  doc: T;
}

/** Every workflow in .github/workflows of `root`. */
export function workflowFiles(root = REPO_ROOT): PipelineFile<Workflow>[] {
  const dir = path.join(root, ".github/workflows");
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => load<Workflow>(root, path.join(".github/workflows", f)));
}

/** Every composite action under .github/actions of `root`. */
export function actionFiles(root = REPO_ROOT): PipelineFile<CompositeAction>[] {
  const dir = path.join(root, ".github/actions");
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.map((n) => load<CompositeAction>(root, path.join(".github/actions", n, "action.yml")));
}

/** The action other repositories use as `uses: <owner>/protoship@v1`: action.yml at the root of `root`. */
export function rootAction(root = REPO_ROOT): PipelineFile<CompositeAction> {
  return load<CompositeAction>(root, "action.yml");
}

/**
 * A composite action as a reusable workflow (workflow_call with the same inputs, one job running
 * its steps), so actionlint — which lints workflows, not action metadata — checks the action's
 * expressions, contexts, step ids and inputs. `uses: ./` of the action itself stays out.
 */
export function actionAsWorkflow(action: PipelineFile<CompositeAction>): string {
  const inputs = Object.fromEntries(
    Object.entries(action.doc.inputs ?? {}).map(([k, v]) => {
      const input = { type: "string", required: v.required ?? false, ...(v.default !== undefined ? { default: v.default } : {}) };
      return [k, input];
    }),
  );
  const workflow = {
    name: action.doc.name,
    on: { workflow_call: { inputs } },
    permissions: {},
    jobs: { action: { "runs-on": "ubuntu-latest", permissions: {}, steps: action.doc.runs.steps } },
  };
  return stringify(workflow, { lineWidth: 0 });
}

/** Loads one workflow by file name, e.g. "pull-request.yml". */
export function loadWorkflow(name: string, root = REPO_ROOT): PipelineFile<Workflow> {
  return load<Workflow>(root, path.join(".github/workflows", name));
}

/** Loads a local composite action referenced as `uses: ./path`. */
export function loadLocalAction(uses: string, root = REPO_ROOT): PipelineFile<CompositeAction> {
  return load<CompositeAction>(root, path.join(uses, "action.yml"));
}

function load<T>(root: string, file: string): PipelineFile<T> {
  const text = readFileSync(path.join(root, file), "utf8");
  return { file, text, doc: parse(text) as T };
}

/** The release plan's cache file (packages/cli/src/release/file-facts.ts), relative to the repository. */
export const RELEASE_FACTS_PATH = "node_modules/.cache/protoship/release-facts.json";

/**
 * Whether `job` restores (and, actions/cache saving at the end of the job, saves) the release
 * plan's facts before its first step that `plans`: actions/cache on exactly that file, under a key
 * of its own that older entries match through restore-keys, not the image cache's.
 */
export function restoresReleaseFacts(job: WorkflowJob, plans: (step: WorkflowStep) => boolean): boolean {
  const steps = job.steps ?? [];
  const plan = steps.findIndex(plans);
  const cache = steps.findIndex(
    (s) =>
      /^actions\/cache@[0-9a-f]{40}$/.test(s.uses ?? "") &&
      s.with?.path === RELEASE_FACTS_PATH &&
      String(s.with?.key).startsWith("protoship-release-facts-") &&
      s.with?.["restore-keys"] === "protoship-release-facts-",
  );
  return plan >= 0 && cache >= 0 && cache < plan;
}

import { spawn } from "node:child_process";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { evaluateCondition, evaluateValue, interpolate, type JobStatus } from "./expressions.js";
import { loadLocalAction, type Workflow, type WorkflowStep } from "./workflow-files.js";

/** A workflow command a step printed, e.g. `::error file=a.proto,line=3::message`. */
export interface Annotation {
  level: "error" | "warning" | "notice";
  properties: Record<string, string>;
  message: string;
}

/** What one step did. */
export interface StepResult {
  name: string;
  /** `run` ran a script; `setup` is a third-party `uses:` the runner stands in for or skips. */
  kind: "run" | "setup" | "skipped";
  code?: number;
  /** Wall time of a `run` step. */
  ms?: number;
  output: string;
  annotations: Annotation[];
}

/** What one job did. */
export interface JobResult {
  status: JobStatus;
  steps: StepResult[];
  /** Every step's $GITHUB_STEP_SUMMARY, concatenated as GitHub shows them. */
  summary: string;
  annotations: Annotation[];
  /** The job's `outputs:`, evaluated after its steps (what `needs.<job>.outputs` gives later jobs). */
  outputs: Record<string, string>;
}

/** What a later job sees of a job it needs: `needs.<job>.outputs` and `needs.<job>.result`. */
export interface NeededJob {
  outputs: Record<string, string>;
  result: JobStatus;
}

/** The machine and event a job runs on. */
export interface JobContext {
  /** The checkout ($GITHUB_WORKSPACE), already at the commit the event names. */
  workspace: string;
  /** Scratch folder for this job ($RUNNER_TEMP, event payload, step files). */
  runnerTemp: string;
  eventName: string;
  eventPayload: Record<string, unknown>;
  /** github.* beyond event/event_name/workspace, e.g. ref, sha, base_ref, head_ref. */
  github: Record<string, string>;
  secrets?: Record<string, string>;
  /** The machine's environment (PATH with pnpm, registry config...). */
  env: NodeJS.ProcessEnv;
  /**
   * Variables set after GitHub's defaults, for what cannot happen off GitHub (e.g. an empty
   * GITHUB_ACTIONS, so npm does not ask GitHub's OIDC service for a provenance signature).
   */
  overrideEnv?: Record<string, string>;
  /** Stand-in for actions/cache (and actions/cache/restore): a folder that outlives jobs, restored and saved by path. */
  cacheDir?: string;
  /** This job's `matrix` context: one entry of {@link matrixOf}. */
  matrix?: Record<string, unknown>;
  /** The `needs` context: the jobs this one needs, by id. */
  needs?: Record<string, NeededJob>;
  /**
   * Actions from other repositories played from a local folder, by name (`owner/repo` or
   * `owner/repo/path`, without the @ref): e.g. this repository's action.yml as `protoship/protoship@v1`.
   */
  actionSources?: Record<string, string>;
  /** Stand-ins for other third-party actions, by name (owner/repo), e.g. a setup-node .npmrc. */
  // biome-ignore lint/suspicious/noConfusingVoidType: an action may return outputs or nothing at all
  actions?: Record<string, (inputs: Record<string, string>, runnerTemp: string) => Promise<Record<string, string> | void>>;
}

/**
 * Plays one job of a workflow on this machine, as a GitHub runner would: `run:` steps in order
 * in bash with GitHub's environment files and variables, `env:` and `if:` evaluated with GitHub's
 * expression engine, local composite actions expanded, third-party `uses:` steps (setup) skipped
 * or replaced by a stand-in. Stops running steps after a failure unless `if:` says otherwise.
 */
export async function runJob(workflow: Workflow, jobId: string, ctx: JobContext): Promise<JobResult> {
  const job = workflow.jobs[jobId];
  if (!job) throw new Error(`no job ${jobId}`);
  await mkdir(ctx.runnerTemp, { recursive: true });
  const eventPath = path.join(ctx.runnerTemp, "event.json");
  await writeFile(eventPath, JSON.stringify(ctx.eventPayload));
  const state: JobState = {
    status: "success",
    steps: [],
    summary: "",
    annotations: [],
    addedEnv: {},
    addedPath: [],
    counter: 0,
    cachePaths: [],
  };
  const github = { ...ctx.github, event: ctx.eventPayload, event_name: ctx.eventName, workspace: ctx.workspace };
  const baseEnv: Record<string, string> = {
    ...(ctx.env as Record<string, string>),
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: ctx.workspace,
    GITHUB_EVENT_NAME: ctx.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_JOB: jobId,
    RUNNER_OS: "Linux",
    RUNNER_TEMP: ctx.runnerTemp,
    // github.token is an expression value only: GitHub puts no GITHUB_TOKEN in a step's environment.
    ...Object.fromEntries(
      Object.entries(ctx.github)
        .filter(([k]) => k !== "token")
        .map(([k, v]) => [`GITHUB_${k.toUpperCase()}`, v]),
    ),
    ...ctx.overrideEnv,
  };
  const scope: Scope = { github, inputs: {}, stepsCtx: {} };
  const jobCtx = { github, secrets: ctx.secrets ?? {}, matrix: ctx.matrix ?? {}, needs: ctx.needs ?? {} };
  let env = { ...baseEnv };
  for (const layer of [workflow.env, job.env]) env = { ...env, ...evalMap(layer, { ...jobCtx, env }) };
  await runSteps(job.steps ?? [], scope, env, ctx, state);
  const outputs = evalMap(job.outputs, { ...jobCtx, env, steps: scope.stepsCtx }, state.status);
  // actions/cache saves at the end of a successful job.
  if (ctx.cacheDir && state.status === "success") {
    for (const p of state.cachePaths) {
      const from = path.join(ctx.workspace, p);
      if (existsSync(from)) await cp(from, path.join(ctx.cacheDir, p), { recursive: true, force: true });
    }
  }
  return { status: state.status, steps: state.steps, summary: state.summary, annotations: state.annotations, outputs };
}

/**
 * A job's steps for a failed assertion's message: kind, name, exit code and output (its first and
 * last `keep / 2` characters when longer than `keep`).
 */
export function describeJob(job: JobResult, keep = 3000): string {
  const clip = (text: string): string => (text.length > keep ? `${text.slice(0, keep / 2)}\n…\n${text.slice(-keep / 2)}` : text);
  return job.steps.map((s) => `${s.kind} ${s.name} ${s.code ?? ""}\n${clip(s.output)}`).join("\n");
}

/**
 * The matrix entries a job runs as, as GitHub expands `strategy.matrix` (given the `needs` and
 * `github` contexts its expressions read): one entry per combination of the array-valued keys, in
 * the order written; a job without a matrix runs once, with an empty one. `include`/`exclude` are
 * not supported (an error, not a silent difference).
 *
 * @example
 * // matrix: ${{ fromJSON(needs.shards.outputs.matrix) }} with '{"shard":["1/2","2/2"]}'
 * matrixOf(workflow, "stubs", { needs: { shards: { outputs: { matrix }, result: "success" } } }); // [{ shard: "1/2" }, { shard: "2/2" }]
 */
export function matrixOf(
  workflow: Workflow,
  jobId: string,
  context: { needs?: Record<string, NeededJob>; github?: Record<string, unknown> } = {},
): Record<string, unknown>[] {
  const spec = workflow.jobs[jobId]?.strategy?.matrix;
  if (spec === undefined) return [{}];
  const value = (v: unknown): unknown => evaluateValue(v, { needs: context.needs ?? {}, github: context.github ?? {} });
  const matrix = value(spec) as Record<string, unknown>;
  if (typeof matrix !== "object" || matrix === null)
    throw new Error(`${jobId}: strategy.matrix is not a mapping: ${JSON.stringify(matrix)}`);
  let entries: Record<string, unknown>[] = [{}];
  for (const [key, raw] of Object.entries(matrix)) {
    if (key === "include" || key === "exclude") throw new Error(`${jobId}: strategy.matrix.${key} is not supported by this runner`);
    const values = value(raw);
    if (!Array.isArray(values)) throw new Error(`${jobId}: strategy.matrix.${key} is not a list: ${JSON.stringify(values)}`);
    entries = entries.flatMap((entry) => values.map((v: unknown) => ({ ...entry, [key]: v })));
  }
  return entries;
}

interface JobState {
  status: JobStatus;
  steps: StepResult[];
  summary: string;
  annotations: Annotation[];
  addedEnv: Record<string, string>;
  addedPath: string[];
  counter: number;
  cachePaths: string[];
}

interface Scope {
  github: Record<string, unknown>;
  inputs: Record<string, string>;
  stepsCtx: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }>;
}

async function runSteps(steps: WorkflowStep[], scope: Scope, env: Record<string, string>, ctx: JobContext, state: JobState): Promise<void> {
  for (const step of steps) {
    const stepEnv = { ...env, ...state.addedEnv };
    const exprCtx = (): Record<string, unknown> => ({
      github: scope.github,
      env: stepEnv,
      secrets: ctx.secrets ?? {},
      inputs: scope.inputs,
      steps: scope.stepsCtx,
      runner: { os: "Linux", temp: ctx.runnerTemp },
      vars: {},
      matrix: ctx.matrix ?? {},
      needs: ctx.needs ?? {},
      job: { status: state.status },
    });
    const name = step.name ?? step.uses ?? step.run?.split("\n")[0] ?? "step";
    if (!evaluateCondition(step.if, exprCtx(), state.status)) {
      state.steps.push({ name, kind: "skipped", output: "", annotations: [] });
      continue;
    }
    const localEnv = { ...stepEnv, ...evalMap(step.env, exprCtx(), state.status) };
    const source = step.uses?.startsWith("./") ? { root: ctx.workspace, dir: step.uses } : actionSource(step.uses, ctx);
    if (source) {
      const action = loadLocalAction(source.dir, source.root).doc;
      const withValues = evalMap(step.with, exprCtx(), state.status);
      const inputs: Record<string, string> = {};
      // Defaults may be expressions (e.g. ${{ github.token }}), evaluated in the caller's context.
      for (const [key, spec] of Object.entries(action.inputs ?? {})) {
        inputs[key] = withValues[key] ?? interpolate(spec.default ?? "", exprCtx(), state.status);
      }
      await runSteps(action.runs.steps, { ...scope, inputs, stepsCtx: {} }, localEnv, ctx, state);
      continue;
    }
    if (step.uses) {
      await standIn(step, evalMap(step.with, exprCtx(), state.status), ctx, state);
      state.steps.push({ name, kind: "setup", output: "", annotations: [] });
      continue;
    }
    const wd = step["working-directory"];
    const interpolated = wd === undefined ? step : { ...step, "working-directory": interpolate(wd, exprCtx(), state.status) };
    const result = await runScript(interpolated, name, localEnv, ctx, state);
    state.steps.push(result);
    state.annotations.push(...result.annotations);
    const outcome = result.code === 0 ? "success" : "failure";
    if (step.id) scope.stepsCtx[step.id] = { outputs: result.outputs, outcome, conclusion: outcome };
    if (result.code !== 0) state.status = "failure";
  }
}

/** The folder a `uses: owner/repo[/path]@ref` is played from, when the job context maps it to one. */
function actionSource(uses: string | undefined, ctx: JobContext): { root: string; dir: string } | undefined {
  if (!uses || !ctx.actionSources) return undefined;
  const name = uses.split("@")[0]!;
  const [owner, repo, ...sub] = name.split("/");
  const root = ctx.actionSources[name] ?? ctx.actionSources[`${owner}/${repo}`];
  if (!root) return undefined;
  return ctx.actionSources[name] ? { root, dir: "." } : { root, dir: sub.join("/") || "." };
}

async function runScript(
  step: WorkflowStep,
  name: string,
  env: Record<string, string>,
  ctx: JobContext,
  state: JobState,
): Promise<StepResult & { outputs: Record<string, string> }> {
  const n = ++state.counter;
  const dir = path.join(ctx.runnerTemp, `step-${n}`);
  await mkdir(dir, { recursive: true });
  const files = { GITHUB_OUTPUT: "output", GITHUB_STEP_SUMMARY: "summary.md", GITHUB_ENV: "env", GITHUB_PATH: "path" };
  const fileEnv: Record<string, string> = {};
  for (const [key, file] of Object.entries(files)) {
    fileEnv[key] = path.join(dir, file);
    await writeFile(fileEnv[key]!, "");
  }
  const script = path.join(dir, "script.sh");
  await writeFile(script, step.run!);
  const cwd = step["working-directory"] ? path.join(ctx.workspace, step["working-directory"]) : ctx.workspace;
  const PATH = [...state.addedPath, env.PATH ?? ""].join(path.delimiter);
  // GitHub's default shell on Linux: bash --noprofile --norc -eo pipefail {0}
  const started = Date.now();
  const { code, output } = await spawnCollect("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
    cwd,
    env: { ...env, ...fileEnv, PATH },
  });
  state.summary += await readFile(fileEnv.GITHUB_STEP_SUMMARY!, "utf8");
  Object.assign(state.addedEnv, parseEnvFile(await readFile(fileEnv.GITHUB_ENV!, "utf8")));
  state.addedPath.unshift(...(await readFile(fileEnv.GITHUB_PATH!, "utf8")).split("\n").filter(Boolean).reverse());
  const outputs = parseEnvFile(await readFile(fileEnv.GITHUB_OUTPUT!, "utf8"));
  await rm(dir, { recursive: true, force: true });
  return { name, kind: "run", code, ms: Date.now() - started, output, annotations: parseAnnotations(output), outputs };
}

/**
 * actions/cache restores its path now (and the job saves it at the end), actions/cache/restore only
 * restores it; other actions run a stand-in if given.
 */
async function standIn(step: WorkflowStep, inputs: Record<string, string>, ctx: JobContext, state: JobState): Promise<void> {
  const action = step.uses!.split("@")[0]!;
  if ((action === "actions/cache" || action === "actions/cache/restore") && ctx.cacheDir) {
    for (const p of (inputs.path ?? "")
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (action === "actions/cache") state.cachePaths.push(p);
      const saved = path.join(ctx.cacheDir, p);
      if (existsSync(saved)) await cp(saved, path.join(ctx.workspace, p), { recursive: true, force: true });
    }
  }
  Object.assign(state.addedEnv, (await ctx.actions?.[action]?.(inputs, ctx.runnerTemp)) ?? {});
}

function evalMap(
  map: Record<string, unknown> | undefined,
  context: Record<string, unknown>,
  status: JobStatus = "success",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = interpolate(v, context, status);
  return out;
}

/** Parses $GITHUB_OUTPUT / $GITHUB_ENV: `name=value` lines and `name<<DELIM` heredocs. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
      out[heredoc[1]!] = body.join("\n");
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

/** Parses `::error file=...,line=...::message` workflow commands, undoing GitHub's escaping. */
export function parseAnnotations(output: string): Annotation[] {
  const unescapeCommand = (s: string): string =>
    s.replace(/%0A/g, "\n").replace(/%0D/g, "\r").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
  const out: Annotation[] = [];
  for (const line of output.split("\n")) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? "").split(",").filter(Boolean)) {
      const eq = pair.indexOf("=");
      properties[pair.slice(0, eq)] = unescapeCommand(pair.slice(eq + 1));
    }
    out.push({ level: m[1] as Annotation["level"], properties, message: unescapeCommand(m[3]!) });
  }
  return out;
}

function spawnCollect(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

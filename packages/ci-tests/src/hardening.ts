import type { CompositeAction, PipelineFile, Workflow, WorkflowStep } from "./workflow-files.js";

/** A full commit SHA after the @, then a `# vX.Y.Z` comment saying which release it is. */
const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+(\.\d+){0,2}\b/;
/** Top-level permissions a workflow may grant every job by default. */
const SAFE_DEFAULTS = [JSON.stringify({}), JSON.stringify({ contents: "read" })];

/**
 * The hardening rules of the pipeline, as violations ("file: what is wrong"); empty when all hold:
 * third-party actions pinned to a commit SHA with a version comment, no pull_request_target,
 * no `${{ }}` inside `run:` scripts, narrow permissions (id-token only where publishing), no
 * persisted checkout credentials where nothing is pushed, pull-requests: write only where the release
 * plan is commented, and a non-cancelling concurrency group
 * on workflows that run on push (releases).
 */
export function hardeningViolations(workflows: PipelineFile<Workflow>[], actions: PipelineFile<CompositeAction>[]): string[] {
  const out: string[] = [];
  for (const wf of workflows) {
    const { doc, file } = wf;
    const triggers = triggerNames(doc.on);
    if (triggers.includes("pull_request_target")) out.push(`${file}: uses the pull_request_target trigger`);
    if (doc.permissions === undefined) out.push(`${file}: no top-level permissions (set permissions: {})`);
    else if (!SAFE_DEFAULTS.includes(JSON.stringify(doc.permissions)))
      out.push(`${file}: top-level permissions grant more than contents: read`);
    if (triggers.includes("push")) {
      const c = doc.concurrency;
      if (!c || typeof c === "string" || !c.group) out.push(`${file}: runs on push without a concurrency group`);
      else if (c["cancel-in-progress"] !== false)
        out.push(`${file}: a release in progress could be cancelled (set cancel-in-progress: false)`);
    }
    for (const [id, job] of Object.entries(doc.jobs ?? {})) {
      const where = `${file}: job ${id}`;
      if (job.permissions === undefined) out.push(`${where}: no permissions block`);
      else if (typeof job.permissions === "string") out.push(`${where}: permissions: ${job.permissions}`);
      else {
        const steps = job.steps ?? [];
        const publishes = steps.some(
          (s) => /\b(protoship|pnpm) publish\b/.test(s.run ?? "") || (s.uses ?? "").startsWith("actions/deploy-pages@"),
        );
        if (job.permissions["id-token"] === "write" && !publishes) out.push(`${where}: id-token: write in a job that does not publish`);
        // pull-requests: write is for the release plan's comment: protoship's action (uses: ./ here) or --pr-comment.
        const comments = steps.some(
          (s) => s.uses === "./" || /^[\w.-]+\/protoship@/.test(s.uses ?? "") || /--pr-comment\b/.test(s.run ?? ""),
        );
        if (job.permissions["pull-requests"] === "write" && !comments) {
          out.push(`${where}: pull-requests: write in a job that does not comment`);
        }
        // A job that cannot push has no use for the token actions/checkout leaves in .git/config.
        const pushes = job.permissions.contents === "write";
        for (const s of steps) {
          if ((s.uses ?? "").startsWith("actions/checkout@") && !pushes && s.with?.["persist-credentials"] !== false)
            out.push(`${where}: checkout keeps credentials in a job that does not push (persist-credentials: false)`);
        }
      }
      if (job.uses) checkUses(out, where, job.uses, wf.text);
      for (const step of job.steps ?? []) checkStep(out, where, step, wf.text);
    }
  }
  for (const action of actions) {
    for (const step of action.doc.runs?.steps ?? []) checkStep(out, action.file, step, action.text);
  }
  return out;
}

function checkStep(out: string[], where: string, step: WorkflowStep, text: string): void {
  const label = `${where}: step "${step.name ?? step.uses ?? step.run?.split("\n")[0]}"`;
  if (step.uses) checkUses(out, label, step.uses, text);
  if (step.run?.includes("${{")) out.push(`${label}: \${{ }} inside run: (pass it through env:)`);
}

function checkUses(out: string[], where: string, uses: string, text: string): void {
  if (uses.startsWith("./")) return; // a local action, reviewed with the repository
  if (uses.startsWith("docker://")) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses)) out.push(`${where}: ${uses} is not pinned to a digest`);
    return;
  }
  if (!PINNED.test(uses)) {
    out.push(`${where}: ${uses} is not pinned to a full commit SHA`);
    return;
  }
  const lines = text.split("\n").filter((l) => l.includes(uses));
  if (lines.length === 0 || lines.some((l) => !VERSION_COMMENT.test(l))) out.push(`${where}: ${uses} has no "# vX.Y.Z" comment`);
}

/** The event names of a workflow's `on:` (string, list or map form). */
export function triggerNames(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === "object") return Object.keys(on);
  return [];
}

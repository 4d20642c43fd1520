import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { gatherComparison, type Comparison } from "../check/gather-comparison.js";
import { planComparison } from "../check/plan-comparison.js";
import { isDeletion, parsePrePushInput, readStdin } from "../check/pre-push-input.js";
import { startEarly, startRepoReads } from "../check/repo-reads.js";
import { asksUpstream } from "../check/early-reads.js";
import { resolveBase, resolveFixBase, resolvePushBase } from "../check/resolve-base.js";
import { ExitCode, ProtoshipError } from "../errors.js";
import { unmergedPaths, type Side } from "../git/diff.js";
import { GitRepo } from "../git/git.js";
import { headAndUpstream } from "../git/remote.js";
import type { RepoProject } from "../project/project.js";
import type { Finding, Step } from "../report/finding.js";
import type { OutputFormat } from "../report/render.js";

/** Options of `protoship check`. */
export interface CheckOptions {
  cwd: string;
  /** Base ref; default: merge-base with upstream, else with main/master. */
  against?: string;
  /** Check the pushed commits read from standard input (the pre-push hook). */
  prePush?: boolean;
  /** With prePush: the remote's name, as git passes it to the hook. */
  remote?: string;
  /** Pre-push lines, instead of reading standard input (for embedding). */
  prePushInput?: string;
  /** Check the index instead of the working tree. */
  staged?: boolean;
  fix?: boolean;
  skip?: ReadonlySet<Step>;
  output?: OutputFormat;
  /** The repository of `cwd`, when the caller opened it already (check/early-reads.ts). */
  repo?: Promise<GitRepo>;
}

/**
 * Formats, lints and breaking-checks the .proto files that changed between a base and what is
 * checked. The verdict is 0 clean, 1 findings; the report is the findings in `options.output`'s format.
 */
export function check(options: CheckOptions): Promise<CommandResult> {
  return collectOutput((write) => runCheck(options, write));
}

/**
 * Lists the comparisons (one, or one per pushed ref), then for each: gathers its inputs
 * (check/gather-comparison.ts), plans what to check (check/plan-comparison.ts, pure) and applies
 * the plan (check/apply-comparison.ts: overlays and buf). Reads shared by the comparisons start
 * as early as they can (check/repo-reads.ts).
 */
async function runCheck(options: CheckOptions, write: Write): Promise<Verdict> {
  const repo = await (options.repo ?? GitRepo.open(options.cwd));
  const reads = startRepoReads(repo, options);
  // What applies a plan (overlays, buf) loads on first use: when the working tree or the index is
  // checked, while git lists the working tree and finds the base (once every first git call has
  // started: loading the modules holds the main thread, which waits for git then); only once
  // needed for a push.
  let applying: Promise<typeof import("../check/apply-comparison.js")> | undefined;
  const loadApply = () => (applying ??= import("../check/apply-comparison.js"));
  const listing = listComparisons(repo, options, reads.openProject);
  // The report's renderer (and its colours) loads while git works too.
  const rendering = startEarly(import("../report/render.js"));
  if (!options.prePush) startEarly(loadApply());
  const comparisons = await listing;
  if (options.fix && comparisons.some((c) => c.head.kind !== "worktree")) {
    throw new ProtoshipError("--fix rewrites the working tree, so it cannot be combined with --pre-push or --staged");
  }

  const findings: Finding[] = [];
  const fixed: string[] = [];
  const checked = new Set<string>();
  let bufConfigChanged = false;
  for (const comparison of comparisons) {
    const inputs = await gatherComparison(reads, comparison, Boolean(options.prePush));
    if (!inputs) continue;
    const plan = planComparison(inputs, options.skip);
    if (!plan) continue;
    const { applyComparison } = await loadApply();
    const outcome = await applyComparison(repo, inputs, plan, Boolean(options.fix), (file) => void fixed.push(file));
    findings.push(...outcome.findings);
    for (const f of outcome.checked) checked.add(f);
    bufConfigChanged ||= plan.targets.full;
  }

  // protoship.yaml is read by every check of the working tree or the index, with changes or not:
  // a broken one is an error even when nothing changed.
  if (!options.prePush) await reads.openProject();
  const summary = {
    findings,
    checkedFiles: [...checked],
    comparisons: comparisons.map((c) => c.label),
    bufConfigChanged,
    ...(options.fix ? { fixed } : {}),
  };
  const { render } = await rendering;
  write(render(summary, options.output ?? "text"));
  return findings.length > 0 ? ExitCode.Findings : ExitCode.Ok;
}

/** The base/head pairs to check: the working tree or the index against its base, or each pushed ref against what the remote has. */
async function listComparisons(repo: GitRepo, options: CheckOptions, openProject: () => Promise<RepoProject>): Promise<Comparison[]> {
  if (!options.prePush) {
    // The usual base (HEAD's upstream) does not depend on protoship.yaml: git is asked while it is
    // read, and a HEAD at its upstream is the base before the read ends (runCheck still awaits it).
    const tracked = asksUpstream(options) ? startEarly(headAndUpstream(repo)) : undefined;
    const where = openProject().then(({ config, remote }) => {
      const defaultBranch = config.check.defaultBranch;
      return { ...(defaultBranch ? { defaultBranch } : {}), remote: options.remote ?? remote };
    });
    const base =
      options.fix && !options.against && !options.staged
        ? await resolveFixBase(repo, await where)
        : await resolveBase(
            repo,
            startEarly(where.then((w) => ({ ...(options.against ? { against: options.against } : {}), ...w }))),
            tracked,
          );
    if (options.staged) await refuseUnmergedIndex(repo);
    const head: Side = options.staged ? { kind: "index" } : { kind: "worktree" };
    return [{ base, head, label: `${base.label}..${head.kind}` }];
  }
  const refs = parsePrePushInput(options.prePushInput ?? (await readStdin()));
  // git passes the hook its remote; protoship.yaml's is the fallback.
  const remote = options.remote ?? (refs.length ? (await openProject()).remote : "");
  const comparisons: Comparison[] = [];
  for (const ref of refs) {
    if (isDeletion(ref)) continue;
    const base = await resolvePushBase(repo, ref, remote);
    if (base.sha === ref.localSha) continue;
    comparisons.push({ base, head: { kind: "commit", sha: ref.localSha }, label: `${ref.localRef} → ${ref.remoteRef}` });
  }
  return comparisons;
}

/** The index of a merge in progress holds several versions of a conflicted file: there is no one staged state to check. */
async function refuseUnmergedIndex(repo: GitRepo): Promise<void> {
  const unmerged = await unmergedPaths(repo);
  if (!unmerged.length) return;
  const shown = unmerged.slice(0, 3).join(", ") + (unmerged.length > 3 ? ` and ${unmerged.length - 3} more` : "");
  throw new ProtoshipError(`the index has unresolved merge conflicts (${shown}), so there is no staged state to check`, {
    hint: "resolve the conflicts and git add the files, then run protoship check --staged again",
  });
}

import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { ExitCode } from "../errors.js";
import { GitRepo } from "../git/git.js";
import { pullRequestContext } from "../github/actions-context.js";
import { upsertComment } from "../github/pr-comment.js";
import { computePlan } from "../release/plan.js";
import { planJson, planMarkdown, planText } from "../release/render-plan.js";
import { Project } from "../project/project.js";

/** Options of `protoship release plan`. */
export interface ReleasePlanOptions {
  cwd: string;
  output?: "text" | "json" | "markdown";
  /** Also keep the plan as one comment on the pull request (GitHub Actions; see {@link upsertComment}). */
  prComment?: boolean;
  /** Where the GitHub Actions variables come from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The hidden marker that finds the plan's comment on the next run. */
const PLAN_COMMENT_MARKER = "<!-- protoship-release-plan -->";

/** Prints the next version of every unit and why, from the committed HEAD. Exit 0 whatever the plan says. */
export function releasePlan(options: ReleasePlanOptions): Promise<CommandResult> {
  return collectOutput((write, note) => runReleasePlan(options, write, note));
}

/** The plan is the report; the line about the comment is a note (stderr), so stdout stays the plan. */
async function runReleasePlan(options: ReleasePlanOptions, write: Write, note: Write): Promise<Verdict> {
  const plan = await computePlan(await Project.atHead(await GitRepo.open(options.cwd)));
  const render = options.output === "json" ? planJson : options.output === "markdown" ? planMarkdown : planText;
  write(render(plan));
  if (options.prComment) {
    const ctx = await pullRequestContext(options.env ?? process.env);
    const body = `${PLAN_COMMENT_MARKER}\n### What merging this pull request releases\n\n${planMarkdown(plan)}`;
    const result = await upsertComment(ctx, PLAN_COMMENT_MARKER, body);
    note(`release plan comment ${result.action} on pull request #${ctx.number}: ${result.url ?? result.id}\n`);
  }
  return ExitCode.Ok;
}

import { ExitCode } from "../errors.js";
import { GitRepo } from "../git/git.js";
import { computePlan } from "../release/plan.js";
import { planJson, planMarkdown, planText } from "../release/render-plan.js";
import { configAtHead } from "../workspace/config-at-commit.js";

/** Options of `protoship release plan`. */
export interface ReleasePlanOptions {
  cwd: string;
  output?: "text" | "json" | "markdown";
  /** Where the plan goes (default: stdout). */
  write?: (text: string) => void;
}

/** Prints the next version of every unit and why, from the committed HEAD. Exit 0 whatever the plan says. */
export async function releasePlan(options: ReleasePlanOptions): Promise<number> {
  const repo = await GitRepo.open(options.cwd);
  const { config } = await configAtHead(repo);
  const plan = await computePlan(repo, config);
  const render = options.output === "json" ? planJson : options.output === "markdown" ? planMarkdown : planText;
  (options.write ?? ((t: string) => process.stdout.write(t)))(render(plan));
  return ExitCode.Ok;
}

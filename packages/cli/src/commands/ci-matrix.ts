import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { appendFile, stat } from "node:fs/promises";
import path from "node:path";
import { commitFilesUnder } from "../git/files.js";
import { shardMatrix } from "../ci/shard-matrix.js";
import { EnvironmentError, ExitCode } from "../errors.js";
import { Project } from "../project/project.js";
import { stubsOutDir } from "../generate/out-dir.js";
import { MARKER } from "../generate/stub-files.js";

/** Options of `protoship ci matrix`. */
export interface CiMatrixOptions {
  cwd: string;
  /** Also append `matrix=<json>` and `shards=<n>` to the file GITHUB_OUTPUT names (the step's outputs). */
  githubOutput?: boolean;
}

/**
 * `protoship ci matrix`: prints `{"shard":["1/4",…]}` for the workflows' matrix. The size is the
 * number of stub packages committed at HEAD under `stubs.outDir` (folders holding the generator's
 * marker), read from git objects: fast, and the same on every runner of a commit.
 */
export function ciMatrix(options: CiMatrixOptions): Promise<CommandResult> {
  return collectOutput((write) => runCiMatrix(options, write));
}

async function runCiMatrix(options: CiMatrixOptions, write: Write): Promise<Verdict> {
  const project = await Project.open(options.cwd);
  const outDir = stubsOutDir(project);
  const rel = path.relative(project.root, outDir).split(path.sep).join("/");
  const head = await project.repo.resolveCommit("HEAD");
  const files = head ? await commitFilesUnder(project.repo, head, rel) : [];
  const count = files.filter(
    (f) => f.startsWith(`${rel}/`) && f.slice(rel.length + 1).split("/").length === 2 && f.endsWith(`/${MARKER}`),
  ).length;
  const matrix = shardMatrix(count, project.config.ci);
  if (options.githubOutput) {
    await appendStepOutput(`matrix=${JSON.stringify(matrix)}\nshards=${matrix.shard.length}\n`);
  }
  write(`${JSON.stringify(matrix)}\n`);
  return ExitCode.Ok;
}

/**
 * Appends to the file GITHUB_OUTPUT names: an existing regular file (GitHub Actions creates one for
 * each step). Unset, missing, a folder or anything else is an EnvironmentError (exit 2) before a
 * byte is written.
 */
async function appendStepOutput(text: string): Promise<void> {
  const file = process.env.GITHUB_OUTPUT;
  const hint = "run it in a GitHub Actions job (it sets GITHUB_OUTPUT to the step's output file)";
  if (!file) throw new EnvironmentError("--github-output: GITHUB_OUTPUT is not set", hint);
  const found = await stat(file).catch(() => undefined);
  const what = !found ? "does not exist" : found.isDirectory() ? "is a folder" : found.isFile() ? undefined : "is not a regular file";
  if (what)
    throw new EnvironmentError(`--github-output: GITHUB_OUTPUT ${JSON.stringify(file)} ${what}; expected the step's output file`, hint);
  try {
    await appendFile(file, text);
  } catch (error) {
    throw new EnvironmentError(
      `--github-output: cannot write GITHUB_OUTPUT ${JSON.stringify(file)}: ${(error as Error).message}`,
      hint,
      error,
    );
  }
}

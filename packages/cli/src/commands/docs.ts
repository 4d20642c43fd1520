import { collectOutput, type CommandResult, type Verdict, type Write } from "../command-result.js";
import { buildSite, DocSiteError } from "@protoship/docs-site";
import { NotOwnedError, SwapBusyError } from "@protoship/fs-safe";
import path from "node:path";
import { ExitCode, InternalError, ProtoshipError } from "../errors.js";
import { docsReleaseVersions } from "../docs/release-versions.js";
import { Project } from "../project/project.js";
import { siteModelOf } from "../schema/doc-model.js";
import { protoPackageUnits } from "../schema/proto-packages.js";
import { startProgress } from "../process/progress.js";
import { explainOutputError } from "../fs/output-errors.js";
import { resolveRepoPath } from "../fs/repo-path.js";
import { guardSwap } from "../fs/swap-guard.js";

/** Options of `protoship docs`. */
export interface DocsOptions {
  cwd: string;
  /**
   * Output folder (default: docs.outDir from protoship.yaml, `site`), inside the repository and out
   * of `.git`. Replaced crash-safely, and only when absent, empty or a site protoship docs wrote.
   */
  outDir?: string;
  /** Site title (default: docs.title). */
  title?: string;
  /** Leave out the release history (changelog page and version switcher). */
  noVersions?: boolean;
}

/**
 * Builds the static documentation site of the module: compiles it with buf, builds the
 * protoc-gen-doc model from the descriptors, adds the release history from the tags (with a page
 * per release, from the schema at its tag), and writes the site atomically (a failure leaves the
 * previous site in place).
 */
export function docs(options: DocsOptions): Promise<CommandResult> {
  return collectOutput((write) => runDocs(options, write));
}

async function runDocs(options: DocsOptions, write: Write): Promise<Verdict> {
  const project = await Project.open(options.cwd);
  const { repo, config } = project;
  const workspace = await project.workspace();
  // The working tree as git sees it: an ignored file never reaches a page or the search data.
  const image = await project.snapshot.image(workspace);
  // An empty image (no files, or a broken buf that printed nothing) never replaces the existing site.
  if (!image.ownFiles.size) {
    throw new ProtoshipError("buf returned no proto files for the module; the site was not changed", {
      hint: "check buf (PROTOSHIP_BUF) and buf.yaml",
    });
  }
  const model = siteModelOf(image);

  // Tags name npm packages; the site places a version switcher on the matching proto package and
  // a page per release, built from the schema at the tag. Only release tags need the npm names
  // (and so the stub scope): a repository without any builds its docs with neither.
  const protoPackageOf = async () =>
    new Map(protoPackageUnits(image, config, await project.stubScope()).map((u) => [u.npmName, u.protoPackage]));
  const versions = options.noVersions ? [] : await docsReleaseVersions(project, protoPackageOf);

  const label = options.outDir === undefined ? "docs.outDir" : "-o";
  const outDir = resolveRepoPath(repo.root, options.outDir ?? config.docs.outDir, { label, output: true });
  let result: Awaited<ReturnType<typeof buildSite>>;
  try {
    result = await guardSwap(path.dirname(outDir), () =>
      buildSite({
        model,
        outDir,
        title: options.title ?? config.docs.title,
        ...(versions.length ? { versions } : {}),
        // "docs 3/12 release pages · 40 s" while release schemas compile, then "docs 120/635 pages", on stderr.
        progress: (unit, total) => startProgress("docs", total, unit),
      }),
    );
  } catch (error) {
    if (error instanceof NotOwnedError || error instanceof SwapBusyError) explainOutputError(error, repo.root);
    // A release's schema that does not compile keeps its own message and exit code. The model and
    // the versions are protoship's own: the site refusing them is a bug (exit 3), as is any other
    // failure nobody planned for, never the user's mistake.
    if (error instanceof ProtoshipError) throw error;
    if (error instanceof DocSiteError) throw new InternalError(`docs: ${error.message}`, { cause: error });
    throw error;
  }
  const released = result.versionPages ? `, ${result.versionPages} release pages (${result.reusedVersionPages} reused)` : "";
  const where = path.relative(process.cwd(), result.outDir) || ".";
  write(
    `✔ docs site: ${result.pages.length} pages, ${result.searchDocuments} searchable elements, ${model.files.length} files${released} → ${where}\n`,
  );
  return ExitCode.Ok;
}

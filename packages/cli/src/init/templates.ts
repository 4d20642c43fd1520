import { Document, isScalar, stringify, visit } from "yaml";
import { bufConfig } from "./module-roots.js";

/** The marker that tells init a hook file is its own (and may be rewritten). */
export const HOOK_MARKER = "# protoship pre-push hook";

/** The shell lines every pre-push hook runs: the installed CLI, with git's own arguments. */
export function hookBody(): string {
  return `${HOOK_MARKER}: checks exactly the commits being pushed (git passes <remote> <url> and the refs on stdin).
# Escape hatch: git push --no-verify
protoship="$(git rev-parse --show-toplevel)/node_modules/.bin/protoship"
if [ ! -x "$protoship" ]; then
  echo "protoship: not installed in this repository; run npm install (or push with --no-verify)" >&2
  exit 2
fi
exec "$protoship" check --pre-push "$@"
`;
}

/** A hook file git runs itself (in .git/hooks) or husky runs (.husky/pre-push). */
export function hookScript(): string {
  return `#!/bin/sh\n${hookBody()}`;
}

/**
 * buf.yaml for a repository that has none: the module roots found, buf's default rules, and the
 * lint baseline (rule → files that fail it when init ran) as buf's own `ignore_only`.
 */
export function bufYaml(roots: readonly string[], ignoreOnly: Readonly<Record<string, readonly string[]>> = {}): string {
  const lint = { use: ["STANDARD"], ...(Object.keys(ignoreOnly).length > 0 ? { ignore_only: ignoreOnly } : {}) };
  const config = { ...bufConfig(roots), lint, breaking: { use: ["FILE"] } };
  return `# buf's configuration: the module roots (where import paths start), lint and breaking rules.
# Written by protoship init from the import paths of this repository's .proto files.
${stringify(config)}`;
}

/** What protoship.yaml records of init's choices. */
export interface ProtoshipYamlInputs {
  /** An npm scope (checked by chooseScope). */
  scope: string;
  outDir: string;
  /** A valid git branch name. */
  branch: string;
  /** Files the format step skips until they are formatted (the baseline; see formatBaseline). */
  formatBaseline: readonly string[];
}

/** protoship.yaml, built as data: the choices init made, every other key at its default. */
export function protoshipYaml(inputs: ProtoshipYamlInputs): string {
  const doc = new Document({
    ...(inputs.formatBaseline.length > 0 ? { check: { formatBaseline: [...inputs.formatBaseline] } } : {}),
    stubs: { scope: inputs.scope, outDir: inputs.outDir },
    release: { branch: inputs.branch },
  });
  doc.commentBefore = ` protoship's configuration (every key is optional; see "Configuration" in protoship's README).`;
  const comments: Record<string, string> = {
    formatBaseline:
      ' unformatted when protoship init ran: the format step skips them until they are formatted (README: "Adopting on an existing API")',
    scope: " npm scope of the generated stub packages",
    branch: " releases are tagged and published from this branch only",
  };
  visit(doc, {
    Pair(_, pair) {
      const text = isScalar(pair.key) ? comments[String(pair.key.value)] : undefined;
      if (!text) return;
      if (isScalar(pair.value)) pair.value.comment = text;
      else if (isScalar(pair.key)) pair.key.commentBefore = text;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Lines init adds to .gitignore: protoship's caches and build outputs. */
export function gitignoreLines(outDir: string, docsOutDir: string): string[] {
  return ["node_modules/", ".protoship-stamp*", `/${docsOutDir}/`, `/${outDir}/*/dist/`];
}

import { stringify } from "yaml";
import { bufConfig } from "./module-roots.js";
import type { Project } from "./project.js";

/** Pinned actions, as in this repository's own workflows (a tag can move, a commit cannot). */
const CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2";
const SETUP_NODE = "actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4.1.0";
const CACHE = "actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0";
const CACHE_RESTORE = "actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0";

/** protoship's image cache (generate/image-cache.ts), handed from the planning job to the shard jobs. */
const IMAGE_CACHE = `path: node_modules/.cache/protoship
          key: protoship-image-\${{ hashFiles('**/*.proto', '**/buf.yaml', 'protoship.yaml', 'package-lock.json', 'pnpm-lock.yaml') }}`;

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

/** buf.yaml for a repository that has none: the module roots found, buf's default rules. */
export function bufYaml(roots: readonly string[]): string {
  const config = { ...bufConfig(roots), lint: { use: ["STANDARD"] }, breaking: { use: ["FILE"] } };
  return `# buf's configuration: the module roots (where import paths start), lint and breaking rules.
# Written by protoship init from the import paths of this repository's .proto files.
${stringify(config)}`;
}

/** protoship.yaml: the choices init made, every other key at its default (see protoship's README). */
export function protoshipYaml(scope: string, project: Project, outDir: string): string {
  return `# protoship's configuration (every key is optional; see "Configuration" in protoship's README).
stubs:
  scope: "${scope}" # npm scope of the generated stub packages
  outDir: ${outDir}
release:
  branch: ${JSON.stringify(project.defaultBranch)} # releases are tagged and published from this branch only
`;
}

/** Lines init adds to .gitignore: protoship's caches and build outputs. */
export function gitignoreLines(outDir: string, docsOutDir: string): string[] {
  return ["node_modules/", ".protoship-stamp*", `/${docsOutDir}/`, `/${outDir}/*/dist/`];
}

/** The command that installs dependencies in CI, as the project's package manager does it. */
function installStep(project: Project): string {
  if (project.packageManager.name === "pnpm") return `npx --yes pnpm@${project.packageManager.version ?? "10"} install --frozen-lockfile`;
  return "npm ci";
}

function setupSteps(project: Project, options: { persistCredentials: boolean; registry?: string }): string {
  return `      - uses: ${CHECKOUT}
        with:
          fetch-depth: 0 # protoship diffs against the base and reads the release tags
          persist-credentials: ${options.persistCredentials}
      - uses: ${SETUP_NODE}
        with:
          node-version: 20${options.registry ? `\n          registry-url: ${options.registry}` : ""}
      - name: Install dependencies (protoship included)
        run: ${installStep(project)}`;
}

/** The pull-request workflow: the gate against the base branch, stale stubs, the release plan. */
export function pullRequestWorkflow(project: Project): string {
  return `# protoship on pull requests: format, lint and breaking checks of the changed .proto files against
# the base branch (inline annotations), committed stubs up to date, and the release plan in the job summary.
# Written by protoship init. Runs the protoship installed in node_modules.
name: protoship pull request

on:
  pull_request:
    branches: [${JSON.stringify(project.defaultBranch)}]

permissions: {}

concurrency:
  group: protoship-pull-request-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  protoship:
    name: protoship check, stubs, release plan
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    steps:
${setupSteps(project, { persistCredentials: false })}
      - name: protoship check against the base branch
        env:
          BASE_REF: \${{ github.base_ref }}
        run: npx --no-install protoship check --against "origin/$BASE_REF" --format github-actions
      - name: Release plan → job summary
        run: npx --no-install protoship release plan --markdown >> "$GITHUB_STEP_SUMMARY"

  # How many jobs check the committed stub packages: one up to ci.shardAbove packages
  # (protoship.yaml), else ci.shards. The module is compiled once, here, for all of them.
  stub-shards:
    name: stub shards
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    outputs:
      matrix: \${{ steps.matrix.outputs.matrix }}
    steps:
${setupSteps(project, { persistCredentials: false })}
      - id: matrix
        name: protoship ci matrix
        run: npx --no-install protoship ci matrix --github-output
      - uses: ${CACHE}
        with:
          ${IMAGE_CACHE}
      - name: Compile the module once for the stub jobs (protoship's image cache)
        run: npx --no-install protoship generate --list-shards 1 > /dev/null

  stubs:
    name: committed stubs \${{ matrix.shard }}
    needs: stub-shards
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
    strategy:
      fail-fast: false
      matrix: \${{ fromJSON(needs.stub-shards.outputs.matrix) }}
    steps:
${setupSteps(project, { persistCredentials: false })}
      - uses: ${CACHE_RESTORE}
        with:
          ${IMAGE_CACHE}
      - name: The committed stub packages are what the protos generate (this shard's)
        env:
          SHARD: \${{ matrix.shard }}
        run: npx --no-install protoship generate --check --shard "$SHARD"
`;
}

/** The release workflow: tag what the schema says to release, then publish it with provenance. */
export function releaseWorkflow(project: Project): string {
  return `# protoship on every push to ${project.defaultBranch}: one release tag per changed proto package (the schema
# decides the version), then the stub packages published to npm with provenance.
# Written by protoship init. Needs the NPM_TOKEN secret. Runs the protoship installed in node_modules.
name: protoship release

on:
  push:
    branches: [${JSON.stringify(project.defaultBranch)}]

permissions: {}

concurrency:
  group: protoship-release
  cancel-in-progress: false

jobs:
  tag:
    name: release tags
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: write # push the release tags
    steps:
${setupSteps(project, { persistCredentials: true })}
      - name: The committed stub packages are what the protos generate
        run: npx --no-install protoship generate --check
      - name: protoship release tag (one annotated tag per package, one atomic push)
        env:
          GIT_COMMITTER_NAME: github-actions[bot]
          GIT_COMMITTER_EMAIL: 41898282+github-actions[bot]@users.noreply.github.com
        run: npx --no-install protoship release tag

  publish:
    name: publish to npm
    needs: tag
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
      id-token: write # npm provenance
    steps:
${setupSteps(project, { persistCredentials: false, registry: "https://registry.npmjs.org" })}
      - name: protoship publish (every release tag at this commit)
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
        run: npx --no-install protoship publish
`;
}

import { Document, isPair, isScalar, visit } from "yaml";

/** What the workflows depend on, each value already validated (see surveyRepository). */
export interface WorkflowInputs {
  packageManager: { name: "npm" | "pnpm"; version: string | undefined };
  /** The release branch: a valid git branch name. */
  defaultBranch: string;
  /** Minutes the publish job may take, sized to the API (see publishMinutes). */
  publishMinutes: number;
}

/** Pinned actions, as in this repository's own workflows (a tag can move, a commit cannot). */
const ACTIONS = {
  checkout: ["actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"],
  setupNode: ["actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af", "v4.1.0"],
  cache: ["actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57", "v4.2.0"],
  cacheRestore: ["actions/cache/restore@1bd1e32a3bdc45362d1e726936510720a7c30a57", "v4.2.0"],
} as const;
const PIN_COMMENTS = new Map<string, string>(Object.values(ACTIONS).map(([uses, tag]) => [uses, tag]));

/** protoship's image cache (generate/image-cache.ts), handed from the planning job to the shard jobs. */
const IMAGE_CACHE = {
  path: "node_modules/.cache/protoship",
  key: "protoship-image-${{ hashFiles('**/*.proto', '**/buf.yaml', 'protoship.yaml', 'package-lock.json', 'pnpm-lock.yaml') }}",
};

/**
 * The release plan's per-file facts (release/file-facts.ts), saved after and restored before the
 * jobs that plan: without them a fresh checkout compiles HEAD whole. Only that file, under its own
 * key prefix, so it never carries or replaces the image cache beside it. The key changes with the
 * protos; an older entry (restore-keys) still spares every file whose blob it holds.
 */
const RELEASE_FACTS_CACHE = {
  path: "node_modules/.cache/protoship/release-facts.json",
  key: "protoship-release-facts-${{ hashFiles('**/*.proto', '**/buf.yaml') }}",
  "restore-keys": "protoship-release-facts-",
};

/** Comments after a value, by key and value: why a setting is there. */
const VALUE_COMMENTS: Record<string, Record<string, string>> = {
  "fetch-depth": { "0": "protoship diffs against the base and reads the release tags" },
  contents: { write: "push the release tags" },
  "id-token": { write: "npm provenance" },
};

/**
 * Minutes for the publish job: 15, plus 6 s per proto package (the first publish of the 323
 * packages of Envoy's API took 24.6 min, mostly building), so a big API is not cut off halfway.
 */
export function publishMinutes(protoPackages: number): number {
  return 15 + Math.ceil((protoPackages * 6) / 60);
}

type Step = Record<string, unknown>;
type Job = Record<string, unknown>;

/** The command that installs dependencies in CI, as the project's package manager does it. */
function installCommand(inputs: WorkflowInputs): string {
  const { name, version } = inputs.packageManager;
  return name === "pnpm" ? `npx --yes pnpm@${version ?? "10"} install --frozen-lockfile` : "npm ci";
}

function setupSteps(inputs: WorkflowInputs, options: { persistCredentials: boolean; registry?: string }): Step[] {
  return [
    { uses: ACTIONS.checkout[0], with: { "fetch-depth": 0, "persist-credentials": options.persistCredentials } },
    { uses: ACTIONS.setupNode[0], with: { "node-version": 20, ...(options.registry ? { "registry-url": options.registry } : {}) } },
    { name: "Install dependencies (protoship included)", run: installCommand(inputs) },
  ];
}

function job(name: string, minutes: number, permissions: Record<string, string>, rest: Job, steps: Step[]): Job {
  return {
    name,
    ...("needs" in rest ? { needs: rest.needs } : {}),
    "runs-on": "ubuntu-latest",
    "timeout-minutes": minutes,
    permissions,
    ...rest,
    steps,
  };
}

/** The pull-request workflow: the gate against the base branch, stale stubs, the release plan. */
export function pullRequestWorkflow(inputs: WorkflowInputs): string {
  const read = { contents: "read" };
  const setup = () => setupSteps(inputs, { persistCredentials: false });
  return serialize(
    [
      "protoship on pull requests: format, lint and breaking checks of the changed .proto files against",
      "the base branch (inline annotations), committed stubs up to date, and the release plan in the job summary.",
      "Written by protoship init. Runs the protoship installed in node_modules.",
    ],
    {
      name: "protoship pull request",
      on: { pull_request: { branches: [inputs.defaultBranch] } },
      permissions: {},
      concurrency: { group: "protoship-pull-request-${{ github.event.pull_request.number }}", "cancel-in-progress": true },
      jobs: {
        protoship: job("protoship check, stubs, release plan", 15, read, {}, [
          ...setup(),
          {
            name: "protoship check against the base branch",
            env: { BASE_REF: "${{ github.base_ref }}" },
            run: 'npx --no-install protoship check --against "origin/$BASE_REF" --format github-actions',
          },
          { uses: ACTIONS.cache[0], with: RELEASE_FACTS_CACHE },
          { name: "Release plan → job summary", run: 'npx --no-install protoship release plan --markdown >> "$GITHUB_STEP_SUMMARY"' },
        ]),
        "stub-shards": job("stub shards", 15, read, { outputs: { matrix: "${{ steps.matrix.outputs.matrix }}" } }, [
          ...setup(),
          { id: "matrix", name: "protoship ci matrix", run: "npx --no-install protoship ci matrix --github-output" },
          { uses: ACTIONS.cache[0], with: IMAGE_CACHE },
          {
            name: "Compile the module once for the stub jobs (protoship's image cache)",
            run: "npx --no-install protoship generate --list-shards 1 > /dev/null",
          },
        ]),
        stubs: job(
          "committed stubs ${{ matrix.shard }}",
          30,
          read,
          { needs: "stub-shards", strategy: { "fail-fast": false, matrix: "${{ fromJSON(needs.stub-shards.outputs.matrix) }}" } },
          [
            ...setup(),
            { uses: ACTIONS.cacheRestore[0], with: IMAGE_CACHE },
            {
              name: "The committed stub packages are what the protos generate (this shard's)",
              env: { SHARD: "${{ matrix.shard }}" },
              run: 'npx --no-install protoship generate --check --shard "$SHARD"',
            },
          ],
        ),
      },
    },
    {
      "stub-shards":
        "How many jobs check the committed stub packages: one up to ci.shardAbove packages\n(protoship.yaml), else ci.shards. The module is compiled once, here, for all of them.",
    },
  );
}

/** The release workflow: tag what the schema says to release, then publish it with provenance. */
export function releaseWorkflow(inputs: WorkflowInputs): string {
  return serialize(
    [
      `protoship on every push to ${inputs.defaultBranch}: one release tag per changed proto package (the schema`,
      "decides the version), then the stub packages published to npm with provenance.",
      "Written by protoship init. Needs the NPM_TOKEN secret. Runs the protoship installed in node_modules.",
    ],
    {
      name: "protoship release",
      on: { push: { branches: [inputs.defaultBranch] } },
      permissions: {},
      concurrency: { group: "protoship-release", "cancel-in-progress": false },
      jobs: {
        tag: job("release tags", 15, { contents: "write" }, {}, [
          ...setupSteps(inputs, { persistCredentials: true }),
          { name: "The committed stub packages are what the protos generate", run: "npx --no-install protoship generate --check" },
          { uses: ACTIONS.cache[0], with: RELEASE_FACTS_CACHE },
          {
            name: "protoship release tag (one annotated tag per package, one atomic push)",
            env: {
              GIT_COMMITTER_NAME: "github-actions[bot]",
              GIT_COMMITTER_EMAIL: "41898282+github-actions[bot]@users.noreply.github.com",
            },
            run: "npx --no-install protoship release tag",
          },
        ]),
        publish: job("publish to npm", inputs.publishMinutes, { contents: "read", "id-token": "write" }, { needs: "tag" }, [
          ...setupSteps(inputs, { persistCredentials: false, registry: "https://registry.npmjs.org" }),
          {
            name: "protoship publish (every release tag at this commit)",
            env: { NODE_AUTH_TOKEN: "${{ secrets.NPM_TOKEN }}" },
            run: "npx --no-install protoship publish",
          },
        ]),
      },
    },
  );
}

/**
 * YAML text of a workflow built as data: every value is a scalar the serializer quotes as needed,
 * so no value can add a key, a step or a line. Comments: the header, one before some jobs, and
 * the tag of each pinned action and the reason for some settings after their values.
 */
function serialize(header: readonly string[], workflow: Record<string, unknown>, jobComments: Record<string, string> = {}): string {
  const doc = new Document(workflow, { aliasDuplicateObjects: false });
  doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
  visit(doc, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) {
        const jobs = path[path.length - 2];
        if (isScalar(pair.key) && isPair(jobs) && isScalar(jobs.key) && jobs.key.value === "jobs") {
          const text = jobComments[String(pair.key.value)];
          if (text) pair.key.commentBefore = text.replace(/^/gm, " ");
        }
        return;
      }
      const value = String(pair.value.value);
      const comment = pair.key.value === "uses" ? PIN_COMMENTS.get(value) : VALUE_COMMENTS[String(pair.key.value)]?.[value];
      if (comment) pair.value.comment = ` ${comment}`;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

export { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium, launchChromium } from "./chromium.js";
export { GitFixture, PROTOSHIP_BIN, REPO_ROOT, cleanEnv, protoship, run, suiteTempDirs, tempDir, type RunResult } from "./git-fixture.ts";
export { walkLinks, type BrokenLink, type LinkReport } from "./link-walker.ts";
export { serveStatic } from "./static-server.ts";
export { startVerdaccio, type VerdaccioRegistry } from "./verdaccio.ts";
export { startFakeGitHub, type FakeComment, type FakeGitHub, type FakeRequest } from "./fake-github.ts";
export { publishTarball, seedFromInstalled, type SeedResult } from "./registry-seed.ts";
export { TOOLCHAIN_PACKAGES, pnpmBinary, publishToolchain, type PublishedToolchain } from "./toolchain-registry.ts";
export { pathExists, readTree } from "./file-tree.ts";

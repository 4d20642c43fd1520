export { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium, launchChromium } from "./chromium.ts";

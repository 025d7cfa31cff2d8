/**
 * Debian's Chromium, driven by playwright-core, for the browser tests and the handouts: headless, with the flags a
 * closed machine needs, a fresh user-data directory, and the network cut (a dead proxy; loopback
 * stays direct, so the local Notebook server still answers). `close()` always leaves no Chromium behind.
 *
 * @module
 */
import { type BrowserContext, chromium } from "playwright-core";

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/** The flags Chromium needs here: the machine has no network, no GPU and runs as root in CI. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A running Chromium with one browsing context. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Fails with what to install when Chromium is missing. */
export function checkChromium(): void {
  try {
    Deno.statSync(CHROMIUM);
  } catch {
    throw new Error(
      `browser test: ${CHROMIUM} is missing; run \`bash tools/setup.sh --browser\` ` +
        "(Debian: apt-get install chromium fonts-dejavu-core)",
    );
  }
}

/** Starts Chromium headless with a fresh profile in a temp directory. */
export async function launchChromium(): Promise<Browser> {
  checkChromium();
  const profile = await Deno.makeTempDir({ prefix: "losslab-chromium-" });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        ...CHROMIUM_FLAGS,
        // Everything but loopback goes to a port where nothing listens: a page that needs a CDN fails.
        "--proxy-server=127.0.0.1:9",
      ],
      viewport: { width: 1200, height: 900 },
      timeout: 30_000,
    });
  } catch (error) {
    killMentioning(profile);
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw new Error(`browser test: Chromium did not start: ${error}`);
  }
  let closed = false;
  return {
    context,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([
        context.close().catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, 10_000)),
      ]);
      // Chromium's helper processes carry the profile path: exactly ours, nobody else's.
      killMentioning(profile);
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** SIGKILLs the processes whose command line contains `text` (a path unique to this run). */
export function killMentioning(text: string): void {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      if (cmdline.includes(text)) Deno.kill(Number(entry.name), "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
}

/**
 * Starts Debian's classic Jupyter Notebook server for the browser test: 127.0.0.1, a free port, a
 * random token, the project's Deno kernelspec (.jupyter/ on JUPYTER_PATH), notebook-dir notebooks/,
 * fresh Jupyter config/data/runtime directories, and saving refused (tests/browser/readonly_contents.py)
 * so a run can never write outputs into the committed notebooks.
 *
 * @module
 */

import { killMentioning } from "../../tools/chromium.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A running Notebook server; `close()` stops it and every kernel it started. */
export interface NotebookServer {
  /** Base URL without the token, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  /** The server's token, for `?token=` and the `Authorization` header. */
  token: string;
  /** What the server printed so far (for failure messages). */
  log(): string;
  /**
   * Shuts down the sessions of the notebook at `path` (relative to the notebook folder), or every
   * session when no path is given, with their kernels (the server stays up).
   */
  stopKernels(path?: string): Promise<void>;
  /** Stops kernels and the server; safe to call twice. */
  close(): Promise<void>;
}

/** Options for {@linkcode startNotebookServer}. */
export interface NotebookServerOptions {
  /** Folder the server serves (default: the project's notebooks/). */
  notebookDir?: string;
  /** Milliseconds to wait for the server to answer (default 30 000). */
  timeoutMs?: number;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function randomToken(): string {
  return [...crypto.getRandomValues(new Uint8Array(24))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `jupyter-notebook` (Debian's classic Notebook) is on PATH. */
export function findJupyterNotebook(): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/bin"])) {
    try {
      const path = `${dir}/jupyter-notebook`;
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not in this PATH entry
    }
  }
  return null;
}

/** Starts the server and waits until its API answers with our token. */
export async function startNotebookServer(
  options: NotebookServerOptions = {},
): Promise<NotebookServer> {
  const exe = findJupyterNotebook();
  if (exe === null) {
    throw new Error(
      "browser test: jupyter-notebook is missing; run `bash tools/setup.sh --browser` " +
        "(Debian: apt-get install jupyter-notebook)",
    );
  }
  const notebookDir = options.notebookDir ?? `${ROOT}notebooks`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const port = freePort();
  const token = randomToken();
  const home = await Deno.makeTempDir({ prefix: "losslab-jupyter-" });
  const args = [
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--notebook-dir=${notebookDir}`,
    `--NotebookApp.token=${token}`,
    "--NotebookApp.contents_manager_class=readonly_contents.ReadOnlyContentsManager",
  ];
  if (Deno.uid() === 0) args.push("--allow-root");
  const env: Record<string, string> = {
    JUPYTER_PATH: `${ROOT}.jupyter`,
    JUPYTER_CONFIG_DIR: `${home}/config`,
    JUPYTER_DATA_DIR: `${home}/data`,
    JUPYTER_RUNTIME_DIR: `${home}/runtime`,
    IPYTHONDIR: `${home}/ipython`,
    PYTHONPATH: `${ROOT}tests/browser`,
    // The server imports readonly_contents.py from tests/browser; no __pycache__ left in the tree.
    PYTHONDONTWRITEBYTECODE: "1",
    NO_COLOR: "1",
  };
  const child = new Deno.Command(exe, {
    args,
    env,
    cwd: notebookDir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // Its own process group, so close() can signal the server and anything it spawned in the group.
    detached: true,
  }).spawn();
  let output = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) output += chunk;
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  const stopKernels = async (path?: string) => {
    const sessions = await api(url, token, "api/sessions") as { id: string; path?: string }[];
    await Promise.all(
      sessions.filter((s) => path === undefined || s.path === path)
        .map((s) => api(url, token, `api/sessions/${s.id}`, "DELETE")),
    );
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    // Kernels run in their own sessions (jupyter_client starts them with a new session): stop them
    // through the API first, then the server, then anything left that was started for this server.
    if (!exited) {
      try {
        await stopKernels();
      } catch {
        // the server may be half dead; the signals below still stop it
      }
    }
    signalGroup(child.pid, "SIGTERM");
    const stopped = await Promise.race([status, sleep(5000).then(() => null)]);
    if (stopped === null) signalGroup(child.pid, "SIGKILL");
    await status;
    // A kernel's command line names its connection file in this server's own runtime directory.
    killMentioning(`${home}/runtime`);
    await reading.catch(() => {});
    await Deno.remove(home, { recursive: true }).catch(() => {});
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + timeoutMs;
  try {
    while (true) {
      if (exited) {
        throw new Error(
          `browser test: jupyter-notebook exited before answering (${
            (await status).code
          }):\n${output}`,
        );
      }
      try {
        await api(url, token, "api/status");
        break;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(
            `browser test: jupyter-notebook did not answer on ${url} within ${timeoutMs} ms:\n${output}`,
          );
        }
        await sleep(200);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url, token, log: () => output, stopKernels, close };
}

/** Calls the Notebook REST API with the token; resolves to the JSON body (or null). */
export async function api(
  base: string,
  token: string,
  path: string,
  method = "GET",
): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `token ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // already gone
  }
}

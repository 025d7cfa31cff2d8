/**
 * Knowing, from inside a cell, that the Deno kernel has sent everything the cell queued so far.
 *
 * The kernel (Deno 2.9) evaluates cells on one thread and speaks the Jupyter protocol on another,
 * in `cli/js/jupyter_kernel.js`: `iopubDrainer` takes each output the cell queued, in order, one at
 * a time, labels it with the request being handled *then* (`publishIopub` reads
 * `currentParentHeader`) and sends it to every subscriber of the iopub socket (`PubSocket.send`).
 * A subscriber that receives a marker queued after an output therefore knows that the output has
 * been labelled and sent. This module is that subscriber: it connects to the kernel's own iopub
 * socket (found through the connection file on the kernel's command line), queues an
 * `update_display_data` for a display id nobody has shown, and reads until the marker comes back.
 * Front ends ignore updates of unknown display ids (classic Notebook's `_handle_output_message`,
 * JupyterLab's `_handleDisplayId` and nbclient's `_update_display_id` look the id up, find no
 * output and stop), and nothing is saved in the notebook.
 *
 * @module
 */

/** The kernel's iopub socket. */
export interface IopubAddress {
  /** Host the kernel listens on (`ip` in the connection file). */
  hostname: string;
  /** Its iopub port. */
  port: number;
}

/** `Deno.jupyter.broadcast`: queues one iopub message behind what the cell already queued. */
export type Broadcast = (msgType: string, content: Record<string, unknown>) => unknown;

/**
 * The iopub address from a process's NUL-separated command line and a way to read files: the
 * kernel is started as `deno jupyter --kernel --conn FILE`, and FILE is Jupyter's connection file.
 * Null when there is no `--conn`, the file cannot be read or parsed, or it is not over TCP.
 *
 * @example
 * ```ts
 * import { iopubAddressFrom } from "./_iopub_marker.ts";
 * const file = JSON.stringify({ transport: "tcp", ip: "127.0.0.1", iopub_port: 5001 });
 * const address = iopubAddressFrom("deno\0jupyter\0--kernel\0--conn\0/c.json\0", () => file);
 * if (address?.port !== 5001) throw new Error("expected port 5001");
 * ```
 */
export function iopubAddressFrom(
  cmdline: string,
  readFile: (path: string) => string,
): IopubAddress | null {
  const argv = cmdline.split("\0");
  const at = argv.indexOf("--conn");
  const path = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith("--conn="))?.slice(7);
  if (!path) return null;
  try {
    const info = JSON.parse(readFile(path));
    const port = info?.iopub_port;
    if (info?.transport !== "tcp" || typeof info.ip !== "string" || !Number.isInteger(port)) {
      return null;
    }
    return { hostname: info.ip === "0.0.0.0" ? "127.0.0.1" : info.ip, port };
  } catch {
    return null;
  }
}

/**
 * The same from `ps -o command=` (macOS has no `/proc`): a line with the arguments joined by
 * spaces, so the connection file is taken as everything after `--conn `, the kernelspec's last
 * argument (`deno jupyter --kernel --conn {connection_file}`), spaces in the path included.
 *
 * @example
 * ```ts
 * import { iopubAddressFromPs } from "./_iopub_marker.ts";
 * const file = JSON.stringify({ transport: "tcp", ip: "127.0.0.1", iopub_port: 5002 });
 * const line = "/opt/deno jupyter --kernel --conn /Users/a b/kernel-1.json\n";
 * const address = iopubAddressFromPs(line, (p) => (p === "/Users/a b/kernel-1.json" ? file : ""));
 * if (address?.port !== 5002) throw new Error("expected port 5002");
 * ```
 */
export function iopubAddressFromPs(
  line: string,
  readFile: (path: string) => string,
): IopubAddress | null {
  const at = line.indexOf(" --conn ");
  if (at < 0) return null;
  return iopubAddressFrom(`--conn\0${line.slice(at + 8).trim()}`, readFile);
}

let cached: IopubAddress | null | undefined;

/**
 * This process's kernel iopub address, read once from `/proc/self/cmdline` (Linux) or `ps`
 * (macOS); null elsewhere or outside a kernel.
 *
 * @example
 * ```ts
 * import { kernelIopubAddress } from "./_iopub_marker.ts";
 * const address = kernelIopubAddress(); // null under `deno run`: there is no --conn
 * if (address !== null) throw new Error("not in a kernel");
 * ```
 */
export function kernelIopubAddress(): IopubAddress | null {
  if (cached === undefined) {
    const read = (path: string) => Deno.readTextFileSync(path);
    try {
      cached = iopubAddressFrom(Deno.readTextFileSync("/proc/self/cmdline"), read);
    } catch {
      try {
        const ps = new Deno.Command("ps", { args: ["-o", "command=", "-p", String(Deno.pid)] })
          .outputSync();
        cached = ps.success ? iopubAddressFromPs(new TextDecoder().decode(ps.stdout), read) : null;
      } catch {
        cached = null;
      }
    }
  }
  return cached;
}

// ZMTP 3.0 as a SUB peer with the NULL mechanism, what the kernel's PubSocket expects: its greeting
// (64 octets), a READY command naming the socket type, and one subscription message (0x01 and an
// empty prefix: every message).
const GREETING = (() => {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g.set(new TextEncoder().encode("NULL"), 12);
  return g;
})();
const READY = (() => {
  const enc = new TextEncoder();
  const body = [
    5,
    ...enc.encode("READY"),
    11,
    ...enc.encode("Socket-Type"),
    0,
    0,
    0,
    3,
    ...enc.encode("SUB"),
  ];
  return new Uint8Array([0x04, body.length, ...body]);
})();
const SUBSCRIBE = new Uint8Array([0x00, 1, 0x01]);
const HELLO = new Uint8Array([...GREETING, ...READY, ...SUBSCRIBE]);

/** Milliseconds before a marker that has not come back is queued again (doubling each time). */
const MARKER_RETRY_MS = 25;
/** Milliseconds after which waiting for a marker is given up. */
const MARKER_TIMEOUT_MS = 5_000;

/**
 * Connects to the kernel's iopub socket, queues markers with `broadcast` until one comes back, and
 * returns true when it did; false when the socket cannot be reached or nothing came back within
 * `timeoutMs`. A marker queued before the kernel has counted this subscriber is lost, so another is
 * queued every `retryMs` (doubling) until one arrives.
 *
 * Each call opens its own connection and closes it: the kernel writes every iopub message to every
 * subscriber in turn, so a connection kept open but unread while a cell computes would fill up and
 * hold back the front end's outputs too. Connecting costs about a millisecond on loopback.
 *
 * @example
 * ```ts
 * import { waitUntilPublished } from "./_iopub_marker.ts";
 * // No kernel listens on port 9 (discard): the socket cannot be reached.
 * const ok = await waitUntilPublished(() => {}, { hostname: "127.0.0.1", port: 9 });
 * if (ok) throw new Error("expected false");
 * ```
 */
export async function waitUntilPublished(
  broadcast: Broadcast,
  address: IopubAddress,
  { retryMs = MARKER_RETRY_MS, timeoutMs = MARKER_TIMEOUT_MS } = {},
): Promise<boolean> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: address.hostname, port: address.port });
  } catch {
    return false;
  }
  const markers: string[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const pause = (ms: number) =>
    new Promise<"retry">((resolve) => {
      const id = setTimeout(() => (timers.delete(id), resolve("retry")), ms);
      timers.add(id);
    });
  try {
    await conn.write(HELLO);
    // The kernel counts a subscriber once it has read the subscription, after sending its own
    // greeting and READY: a marker queued before those arrive would likely be lost.
    await readAtLeast(conn, GREETING.length + 2);
    const arrived = readUntilMarker(conn, markers);
    const deadline = performance.now() + timeoutMs;
    for (let wait = retryMs;; wait *= 2) {
      const marker = `losslab-settled-${crypto.randomUUID()}`;
      markers.push(marker);
      await broadcast("update_display_data", {
        data: {},
        metadata: {},
        transient: { display_id: marker },
      });
      const left = deadline - performance.now();
      if (left <= 0) return false;
      const outcome = await Promise.race([arrived, pause(Math.min(wait, left))]);
      if (outcome !== "retry") return outcome;
    }
  } catch {
    return false;
  } finally {
    for (const id of timers) clearTimeout(id);
    try {
      conn.close();
    } catch {
      // already closed by the kernel
    }
  }
}

/** Reads and drops at least `n` bytes (the start of the kernel's handshake). */
async function readAtLeast(conn: Deno.TcpConn, n: number): Promise<void> {
  const buffer = new Uint8Array(256);
  for (let got = 0; got < n;) {
    const read = await conn.read(buffer);
    if (read === null) throw new Error("closed");
    got += read;
  }
}

/** Reads until any of `markers` (which may grow meanwhile) appears; false if the socket closes. */
async function readUntilMarker(conn: Deno.TcpConn, markers: string[]): Promise<boolean> {
  // Latin-1 keeps one character per byte, so a marker split between two reads is found in the
  // kept tail.
  const latin1 = new TextDecoder("latin1");
  const buffer = new Uint8Array(64 * 1024);
  let tail = "";
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) return false;
      const text = tail + latin1.decode(buffer.subarray(0, n));
      if (markers.some((m) => text.includes(m))) return true;
      tail = text.slice(-64);
    }
  } catch {
    return false; // closed by us after a timeout, or by the kernel
  }
}

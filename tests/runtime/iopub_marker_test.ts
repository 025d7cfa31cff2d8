/**
 * The settle marker against a stand-in for the Deno kernel's iopub socket: a TCP server that does
 * what `PubSocket` in the kernel's `cli/js/jupyter_kernel.js` does (ZMTP 3.0 greeting, READY, one
 * subscription message, then every published message to every subscriber).
 *
 * @module
 */
import {
  iopubAddressFrom,
  iopubAddressFromPs,
  kernelIopubAddress,
  waitUntilPublished,
} from "../../lib/runtime/_iopub_marker.ts";
import { assert } from "../assert.ts";

const CONN = JSON.stringify({ transport: "tcp", ip: "127.0.0.1", iopub_port: 5011, key: "k" });

Deno.test("iopubAddressFrom: the connection file named by --conn, over TCP only", () => {
  const files: Record<string, string> = {
    "/run/k.json": CONN,
    "/run/any.json": JSON.stringify({ transport: "tcp", ip: "0.0.0.0", iopub_port: 7 }),
    "/run/ipc.json": JSON.stringify({ transport: "ipc", ip: "kernel", iopub_port: 2 }),
    "/run/bad.json": "{",
  };
  const read = (path: string) => {
    if (!(path in files)) throw new Deno.errors.NotFound(path);
    return files[path];
  };
  const argv = (...a: string[]) => a.join("\0") + "\0";
  assert.deepEqual(
    iopubAddressFrom(argv("deno", "jupyter", "--kernel", "--conn", "/run/k.json"), read),
    { hostname: "127.0.0.1", port: 5011 },
  );
  assert.deepEqual(iopubAddressFrom(argv("deno", "--conn=/run/k.json"), read), {
    hostname: "127.0.0.1",
    port: 5011,
  });
  // A kernel listening on every interface is reached on loopback.
  assert.deepEqual(iopubAddressFrom(argv("--conn", "/run/any.json"), read), {
    hostname: "127.0.0.1",
    port: 7,
  });
  assert.equal(iopubAddressFrom(argv("--conn", "/run/ipc.json"), read), null);
  assert.equal(iopubAddressFrom(argv("--conn", "/run/bad.json"), read), null);
  assert.equal(iopubAddressFrom(argv("--conn", "/run/missing.json"), read), null);
  assert.equal(iopubAddressFrom(argv("deno", "run", "main.ts"), read), null);
  assert.equal(iopubAddressFrom(argv("deno", "--conn"), read), null);
});

Deno.test("iopubAddressFromPs: the connection file is the rest of the line after --conn", () => {
  const read = (path: string) => {
    if (path !== "/Users/Ada L/Library/Jupyter/runtime/kernel-1.json") {
      throw new Deno.errors.NotFound(path);
    }
    return CONN;
  };
  assert.deepEqual(
    iopubAddressFromPs(
      "/Users/Ada L/.deno/bin/deno jupyter --kernel --conn /Users/Ada L/Library/Jupyter/runtime/kernel-1.json\n",
      read,
    ),
    { hostname: "127.0.0.1", port: 5011 },
  );
  assert.equal(iopubAddressFromPs("/usr/bin/deno run main.ts\n", read), null);
  assert.equal(iopubAddressFromPs("deno jupyter --kernel --conn /elsewhere.json", read), null);
});

Deno.test("kernelIopubAddress: null outside a kernel", () => {
  assert.equal(kernelIopubAddress(), null);
});

/** ZMTP 3.0's greeting for the NULL mechanism (RFC 23): signature, version 3.0, "NULL", client. */
function expectedGreeting(): number[] {
  const g = new Array(64).fill(0);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  [..."NULL"].forEach((c, i) => (g[12 + i] = c.charCodeAt(0)));
  return g;
}

async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  for (let got = 0; got < n;) {
    const read = await conn.read(out.subarray(got));
    if (read === null) throw new Error("closed");
    got += read;
  }
  return out;
}

/**
 * A one-subscriber PUB socket. `publish` sends a message frame with the given text once the
 * subscription has been read (and drops it before, as the kernel does for a subscriber it has not
 * counted yet). Records the subscriber's handshake bytes.
 */
function fakePub() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const handshake: { greeting?: number[]; ready?: string; subscription?: number[] } = {};
  let subscriber: Deno.Conn | null = null;
  let conn: Deno.Conn | null = null;
  const served = (async () => {
    conn = await listener.accept();
    handshake.greeting = [...await readExactly(conn, 64)];
    const g = new Uint8Array(64);
    g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0]);
    await conn.write(g);
    const [flags, size] = await readExactly(conn, 2);
    assert.equal(flags, 0x04, "READY is a command frame");
    handshake.ready = new TextDecoder().decode(await readExactly(conn, size));
    const ready = new TextEncoder().encode("\x05READY\x0bSocket-Type\0\0\0\x03PUB");
    await conn.write(new Uint8Array([0x04, ready.length, ...ready]));
    handshake.subscription = [...await readExactly(conn, 3)];
    subscriber = conn;
    // Hold the connection until the subscriber closes it.
    await conn.read(new Uint8Array(16)).catch(() => null);
  })();
  return {
    address: { hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port },
    handshake,
    publish(text: string): boolean {
      if (subscriber === null) return false;
      const body = new TextEncoder().encode(text);
      const frame = new Uint8Array(9 + body.length);
      frame[0] = 0x02; // a long frame, so a marker may come in pieces
      new DataView(frame.buffer).setUint32(5, body.length);
      frame.set(body, 9);
      subscriber.write(frame).catch(() => {});
      return true;
    },
    async close() {
      listener.close();
      await served.catch(() => {});
      try {
        (conn as Deno.Conn | null)?.close();
      } catch {
        // closed by the subscriber
      }
    },
  };
}

/** Runs `fn` against a fresh fake PUB socket and closes it afterwards, whatever `fn` did. */
async function withFakePub(fn: (pub: ReturnType<typeof fakePub>) => Promise<void>): Promise<void> {
  const pub = fakePub();
  try {
    await fn(pub);
  } finally {
    await pub.close();
  }
}

Deno.test("waitUntilPublished: true once the kernel sends the marker back, after a ZMTP handshake", async () => {
  await withFakePub(async (pub) => {
    const queued: { type: string; content: Record<string, unknown> }[] = [];
    const ok = await waitUntilPublished((type, content) => {
      queued.push({ type, content });
      // The kernel publishes what was queued a little later, labelled with the running cell.
      setTimeout(() => pub.publish(JSON.stringify(content)), 2);
    }, pub.address);
    assert.equal(ok, true);
    assert.deepEqual(pub.handshake.greeting, expectedGreeting());
    assert.equal(pub.handshake.ready, "\x05READY\x0bSocket-Type\0\0\0\x03SUB");
    assert.deepEqual(pub.handshake.subscription, [0x00, 1, 0x01], "subscribe to every message");
    // An update of a display id nobody has shown: front ends look it up and ignore it.
    assert.ok(queued.length >= 1);
    for (const { type, content } of queued) {
      assert.equal(type, "update_display_data");
      assert.deepEqual(content.data, {});
      const id = (content.transient as { display_id: string }).display_id;
      assert.match(id, /^losslab-settled-[0-9a-f-]{36}$/);
    }
    assert.equal(new Set(queued.map((q) => JSON.stringify(q.content))).size, queued.length);
  });
});

Deno.test("waitUntilPublished: a marker lost before the subscriber counted is queued again", async () => {
  await withFakePub(async (pub) => {
    let calls = 0;
    const ok = await waitUntilPublished(
      (_type, content) => {
        calls++;
        if (calls > 1) setTimeout(() => pub.publish(JSON.stringify(content)), 1);
      },
      pub.address,
      { retryMs: 10 },
    );
    assert.equal(ok, true);
    assert.equal(calls, 2);
  });
});

Deno.test("waitUntilPublished: false when nothing comes back in time, or nothing listens", async () => {
  await withFakePub(async (pub) => {
    let calls = 0;
    const started = performance.now();
    const ok = await waitUntilPublished(() => void calls++, pub.address, {
      retryMs: 10,
      timeoutMs: 100,
    });
    assert.equal(ok, false);
    assert.ok(performance.now() - started >= 99, "gave up before the timeout");
    // Queued again at 10, 20, 40 ms (doubling), then waited out the rest.
    assert.ok(calls >= 3 && calls <= 5, `${calls} markers`);
  });
  const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (free.addr as Deno.NetAddr).port;
  free.close();
  assert.equal(await waitUntilPublished(() => {}, { hostname: "127.0.0.1", port }), false);
});

/**
 * `deno task bench`: runs every `bench/*_bench.ts` in its own process, one after another (so one
 * benchmark's warm caches and memory do not colour the next), and prints each one's table.
 *
 * @module
 */
const dir = new URL(".", import.meta.url);
const files = [...Deno.readDirSync(dir)]
  .filter((e) => e.isFile && e.name.endsWith("_bench.ts"))
  .map((e) => e.name)
  .sort();
const only = Deno.args;
let failed = 0;
for (const name of files) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  console.log(`\n## ${name}\n`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(name, dir).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    failed++;
    console.log(`${name} exited with ${code}`);
  }
}
Deno.exit(failed > 0 ? 1 : 0);

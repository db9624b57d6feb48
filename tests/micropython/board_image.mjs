// Boot a board image in real MicroPython (WebAssembly build) under Node: the board image test.
//
//   node board_image.mjs --image DIR --standins DIR [--heap BYTES]
//
// DIR (what `stretchcue bundle` wrote, plus the Adafruit libraries) is copied to "/" of the
// Emscripten file system, as CIRCUITPY is "/" on a board; the stand-in modules go to
// /tmp/standins, and stretchcue_host.sim.vm.start boots the image (boot.py, then code.py).
// The Python side talks to the driver in lines: biAsk writes one to stdout and reads the
// answer from stdin synchronously, so the VM stops while the driver thinks. When the run
// ends (stopped, power cut, crash) the file system is written back to DIR, which is how a
// second process boots the same flash after a power cut.
import fs from "fs";
import path from "path";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const args = process.argv.slice(2);
let image = null, standins = null, heap = 512 * 1024;  // it grows when full
for (let i = 0; i < args.length; i += 2) {
  if (args[i] === "--image") image = args[i + 1];
  else if (args[i] === "--standins") standins = args[i + 1];
  else if (args[i] === "--heap") heap = parseInt(args[i + 1], 10);
  else { console.error("unexpected argument " + args[i]); process.exit(2); }
}
if (!image || !standins) { console.error("need --image and --standins"); process.exit(2); }

const out = (s) => fs.writeSync(1, s + "\n");
const mp = await loadMicroPython({ heapsize: heap, pystack: 64 * 1024, stdout: out,
  stderr: (s) => fs.writeSync(2, s + "\n"), linebuffer: true });
const FS = mp.FS;
const SYSTEM = new Set(["tmp", "dev", "proc", "home"]);  // Emscripten's own, not the drive's

const copyIn = (src, dst) => {
  try { FS.mkdir(dst); } catch (e) { /* exists */ }
  for (const name of fs.readdirSync(src)) {
    const s = path.join(src, name), d = (dst === "/" ? "" : dst) + "/" + name;
    if (fs.statSync(s).isDirectory()) { if (name !== "__pycache__") copyIn(s, d); }
    else FS.writeFile(d, fs.readFileSync(s));
  }
};
const entries = (p) => FS.readdir(p).filter((n) => n !== "." && n !== "..");
const copyOut = (src, dst) => {
  fs.mkdirSync(dst, { recursive: true });
  const names = new Set(entries(src).filter((n) => src !== "/" || !SYSTEM.has(n)));
  for (const name of fs.readdirSync(dst)) {
    if (!names.has(name)) fs.rmSync(path.join(dst, name), { recursive: true, force: true });
  }
  for (const name of names) {
    const s = (src === "/" ? "" : src) + "/" + name, d = path.join(dst, name);
    if (FS.isDir(FS.stat(s).mode)) {
      if (fs.existsSync(d) && !fs.statSync(d).isDirectory()) fs.rmSync(d);
      copyOut(s, d);
    } else {
      const data = FS.readFile(s);
      if (!fs.existsSync(d) || !Buffer.from(data).equals(fs.readFileSync(d))) fs.writeFileSync(d, data);
    }
  }
};

copyIn(image, "/");
FS.mkdir("/tmp/standins");
copyIn(standins, "/tmp/standins");

const inBuf = Buffer.alloc(1 << 16);
let pending = "";
const nap = new Int32Array(new SharedArrayBuffer(4));
const readLine = () => {
  for (;;) {
    const i = pending.indexOf("\n");
    if (i >= 0) { const line = pending.slice(0, i); pending = pending.slice(i + 1); return line; }
    let n;
    try { n = fs.readSync(0, inBuf, 0, inBuf.length, null); }
    catch (e) {
      if (e.code === "EAGAIN") { Atomics.wait(nap, 0, 0, 2); continue; }
      if (e.code === "EOF") return null;
      throw e;
    }
    if (n === 0) return null;
    pending += inBuf.toString("utf8", 0, n);
  }
};
let rc = 0;
globalThis.biSend = (line) => out(line);
globalThis.biAsk = (line) => {
  out(line);
  const answer = readLine();
  if (answer === null) throw new Error("the driver closed stdin");
  return answer;
};
globalThis.biFinish = (code) => { rc = code; };

try {
  // CircuitPython has __future__ built in; this MicroPython has not (the stand-ins and the
  // firmware both import it), so the stand-in goes in first.
  mp.runPython("import sys\nclass _Future:\n    annotations = division = print_function = None\n" +
    "sys.modules['__future__'] = _Future()\nsys.path.insert(0, '/tmp/standins')\n" +
    "from stretchcue_host.sim.vm import start\nstart.main(start.JsIO())\n");
} catch (e) {
  fs.writeSync(2, "board_image.mjs: " + String(e.message || e) + "\n");
  rc = 2;
}
copyOut("/", image);
process.exit(rc);

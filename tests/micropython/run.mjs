// Run Python inside real MicroPython (WebAssembly build) under Node.
//
//   node run.mjs --lib DIR [--lib DIR] [--extra FILE.py]... (--tests FILE.py... | --script FILE.py)
//
// --lib copies a package tree (e.g. lib/stretchcue) under /lib, --extra copies single modules
// (e.g. adafruit_ticks.py) to /lib, --tests copies test modules to /tests and calls every
// test_* function, printing "N passed, N failed"; --script runs one file as __main__.
import fs from "fs";
import path from "path";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const args = process.argv.slice(2);
const libs = [], extras = [], tests = [];
let script = null, heap = 4 * 1024 * 1024, mode = null;
for (const a of args) {
  if (a === "--lib" || a === "--extra" || a === "--tests" || a === "--script" || a === "--heap") { mode = a; continue; }
  if (mode === "--lib") libs.push(a);
  else if (mode === "--extra") extras.push(a);
  else if (mode === "--tests") tests.push(a);
  else if (mode === "--script") script = a;
  else if (mode === "--heap") heap = parseInt(a, 10);
  else { console.error("unexpected argument " + a); process.exit(2); }
}

const mp = await loadMicroPython({ heapsize: heap, pystack: 16 * 1024, stdout: (s) => process.stdout.write(s + "\n"), linebuffer: true });
const FS = mp.FS;
const mkdirp = (p) => { let cur = ""; for (const part of p.split("/").filter(Boolean)) { cur += "/" + part; try { FS.mkdir(cur); } catch (e) { /* exists */ } } };
const copyTree = (src, dst) => {
  mkdirp(dst);
  for (const name of fs.readdirSync(src)) {
    const s = path.join(src, name);
    if (fs.statSync(s).isDirectory()) { if (name !== "__pycache__") copyTree(s, dst + "/" + name); }
    else if (name.endsWith(".py") || name.endsWith(".mpy")) FS.writeFile(dst + "/" + name, fs.readFileSync(s));
  }
};
mkdirp("/lib"); mkdirp("/tests");
// CircuitPython has __future__ built in; this MicroPython build does not (micropython-lib
// ships the same three names), so give it the equivalent module.
FS.writeFile("/lib/__future__.py", "nested_scopes = True\ngenerators = True\ndivision = True\nabsolute_import = True\nwith_statement = True\nprint_function = True\nunicode_literals = True\nannotations = True\n");
for (const l of libs) copyTree(l, "/lib/" + path.basename(l));
for (const e of extras) FS.writeFile("/lib/" + path.basename(e), fs.readFileSync(e));
for (const t of tests) FS.writeFile("/tests/" + path.basename(t), fs.readFileSync(t));

if (script) {
  FS.writeFile("/main_script.py", fs.readFileSync(script));
  try {
    mp.runPython("import sys\nsys.path.insert(0, '/lib')\nexec(open('/main_script.py').read(), {'__name__': '__main__'})");
  } catch (e) { console.error(String(e.message || e)); process.exit(1); }
  process.exit(0);
}

const modules = tests.map((t) => path.basename(t, ".py")).filter((m) => m.startsWith("test_"));
const runner = `
import sys, gc
sys.path.insert(0, '/tests')
sys.path.insert(0, '/lib')
passed = 0
failed = 0
for mod_name in ${JSON.stringify(modules)}:
    try:
        mod = __import__(mod_name)
    except Exception as e:
        failed += 1
        print('FAIL %s (import): %s: %s' % (mod_name, type(e).__name__, e))
        sys.print_exception(e)
        continue
    for name in sorted(dir(mod)):
        if not name.startswith('test_'):
            continue
        fn = getattr(mod, name)
        try:
            fn()
            passed += 1
        except Exception as e:
            failed += 1
            print('FAIL %s.%s: %s: %s' % (mod_name, name, type(e).__name__, e))
            sys.print_exception(e)
        gc.collect()
print('micropython: %d passed, %d failed' % (passed, failed))
_result = (passed, failed)
`;
try {
  mp.runPython(runner);
} catch (e) { console.error(String(e.message || e)); process.exit(1); }
mp.runPython("import js\njs.process.exitCode = 0 if (_result[1] == 0 and _result[0] > 0) else 1");
const code = process.exitCode;
process.exit(code);

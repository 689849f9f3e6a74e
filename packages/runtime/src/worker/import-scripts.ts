// The engines' Emscripten loaders (tfjs-tflite, LiteRT.js) load their glue with `importScripts` when they see
// a worker. Module workers have no importScripts (it throws a TypeError), and the runtime's worker is a module
// worker (what Vite and webpack bundle from `new Worker(new URL(...), { type: 'module' })`). This gives
// module workers the classic semantics: fetch synchronously (allowed in workers), run as a classic script in
// the global scope, so its top-level `var ModuleFactory` lands on `self` as the loaders expect.

interface WorkerScope {
  importScripts(...urls: string[]): void;
  location: { href: string };
}

/** Installs a classic-script importScripts on a module worker's global scope; a classic worker keeps its own. */
export function provideImportScripts(scope: WorkerScope): void {
  try {
    scope.importScripts(); // classic worker: a no-op; module worker: TypeError
    return;
  } catch {
    // A module worker: provide it.
  }
  const runClassic = eval; // indirect eval: global scope, sloppy mode, as a classic <script> would run
  scope.importScripts = (...urls: string[]) => {
    for (const url of urls) {
      const href = new URL(url, scope.location.href).href;
      const request = new XMLHttpRequest();
      request.open('GET', href, false);
      request.send();
      if (request.status !== 200) {
        throw new DOMException(`importScripts: ${href} answered HTTP ${request.status}`, 'NetworkError');
      }
      runClassic(`${request.responseText}\n//# sourceURL=${href}`);
    }
  };
}

/**
 * tfjs-tflite starts loading its glue script the moment its module is evaluated, before `setWasmPath` can
 * be called, from the page's own folder, where no such file is: a 404 and a console error on every page
 * that uses it (its real load, from the assets folder, comes after). While Borde imports and loads it, a
 * loader script of tfjs-tflite whose src is outside the assets folder gets an error event instead of a
 * request: what the 404 gave it, without the request and the console noise. Every other script is left
 * alone, and the document is restored afterwards.
 */
const LOADER_SCRIPT_ID = 'tflite_web_api_loader_script';

/** Loads in progress; the guard is installed for the first and removed after the last (loads overlap). */
let active = 0;
let restore: (() => void) | undefined;

export async function withoutStrayPreload<T>(assetsFolder: string, load: () => Promise<T>): Promise<T> {
  const head = (globalThis as { document?: Document }).document?.head;
  if (!head) return load(); // workers and Node: no script elements
  if (active++ === 0) restore = installGuard(head, assetsFolder);
  try {
    return await load();
  } finally {
    if (--active === 0) restore?.();
  }
}

function installGuard(head: HTMLHeadElement, assetsFolder: string): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(head, 'appendChild');
  const appendChild = head.appendChild;
  head.appendChild = function <N extends Node>(this: HTMLHeadElement, node: N): N {
    if (node instanceof HTMLScriptElement && node.id === LOADER_SCRIPT_ID) guardSource(node, assetsFolder);
    return appendChild.call(this, node) as N;
  };
  return () => {
    if (hadOwn) head.appendChild = appendChild;
    else delete (head as { appendChild?: unknown }).appendChild;
  };
}

/** The element fails at once (an error event, no request) when given a src outside the assets folder. */
function guardSource(script: HTMLScriptElement, assetsFolder: string): void {
  const setAttribute = script.setAttribute;
  script.setAttribute = function (name: string, value: string): void {
    if (name.toLowerCase() === 'src' && !value.startsWith(assetsFolder)) {
      setTimeout(() => script.dispatchEvent(new Event('error')));
      return;
    }
    setAttribute.call(this, name, value);
  };
}

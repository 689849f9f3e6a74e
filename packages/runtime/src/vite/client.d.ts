// Types of the virtual module made by `bordeAssets()`. Add "@borde/runtime/vite/client" to the app's
// tsconfig "types" (or `/// <reference types="@borde/runtime/vite/client" />`).
declare module 'virtual:borde-assets' {
  /** URL folder of the engine assets (pass as `loadModel(url, { assets: assetBase })`), ending in '/'. */
  export const assetBase: string;
  /** URLs to precache so the engines load offline. */
  export const assetUrls: readonly string[];
  /** Whether the plugin was asked for threads (COOP/COEP in dev and preview). */
  export const threads: boolean;
  const assets: { assetBase: string; assetUrls: readonly string[]; threads: boolean };
  export default assets;
}

/// <reference types="vite/client" />
/// <reference types="@borde/runtime/vite/client" />

/** sha256 of the int8 model, put in by vite.config.ts from the build's manifest: the cache checks against it. */
declare const __MODEL_SHA256__: string;

/// <reference types="vite/client" />
/// <reference types="@borde/runtime/vite/client" />

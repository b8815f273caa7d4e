/// <reference types="vite/client" />
// Browser only (imported lazily by ./wasm): the codecs' .wasm files as Vite assets of the app, so they
// are served from its own origin (no CDN) and cached with it. Never imported in Node.
import charls from '@cornerstonejs/codec-charls/decodewasm?url';
import openjpeg from '@cornerstonejs/codec-openjpeg/decodewasm?url';

export const WASM_URLS = { charls, openjpeg } as const;

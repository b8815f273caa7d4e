// Lint: typescript-eslint's recommended rules plus React hooks rules, over the whole repo; and the
// layers of src/ (README, "How the code is laid out"): a folder imports only from the folders of the
// layers below it, never from a higher one, and no module imports itself round a cycle
// (eslint-plugin-import-x's no-restricted-paths and no-cycle, resolved as TypeScript resolves).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';

/** src/'s layers, bottom first: each folder may import from its own folder and the layers below. */
export const LAYERS = [
  ['common'], // problems, source files, paths, mask runs, PackBits, CRC-32, time slicing
  ['archive', 'dicom', 'nifti'], // zip + zlib · DICOM read, write, codecs · NIfTI volumes read
  ['discovery', 'phantom'], // patients, series and masks from what the files say · the synthetic phantom
  ['node'], // Node's side of reading: files as SourceFiles, node:zlib, zlib's WASM from node_modules
  ['pipeline'], // hu → window → liverRange → clahe → keep; augment
  ['model', 'metrics'], // UNet, losses, trainer, inference, post-processing · Dice, IoU, HD95, volumes
  ['storage', 'export'], // IndexedDB · SEG, NIfTI, HDF5, PNG
  ['viewer'], // the Cornerstone3D facade
  ['jobs'], // preprocess a patient · segment a patient
  ['workers', 'cli'], // thin shells: Web Workers · Node commands
  ['state'], // zustand stores
  ['ui'], // React components
];
/** Test helpers: tests of any layer may use them, production code never. */
const TEST_SUPPORT = 'test-support';
/** Node-only adapters: tests of any layer read real files through them; code that runs in a browser never. */
const NODE_ONLY = 'node';
const BROWSER_ONLY = ['viewer', 'workers', 'state', 'ui'];

function layerZones({ forTests }) {
  const zones = [];
  LAYERS.forEach((layer, rank) => {
    const higher = LAYERS.slice(rank + 1).flat();
    for (const folder of layer) {
      const from = [...higher.filter((f) => !(forTests && f === NODE_ONLY)).map((f) => `./src/${f}`), './src/main.tsx', ...(forTests ? [] : [`./src/${TEST_SUPPORT}`])];
      zones.push({ target: `./src/${folder}`, from, message: `src/${folder} is below these layers (eslint.config.js LAYERS): move the shared code down, or the caller up.` });
      if (BROWSER_ONLY.includes(folder)) zones.push({ target: `./src/${folder}`, from: [`./src/${NODE_ONLY}`], message: `src/${folder} runs in the browser: src/${NODE_ONLY} is Node only.` });
    }
  });
  return zones;
}

const TESTS = ['src/**/*.test.ts'];

export default tseslint.config(
  // AssemblyScript kernels (*.as.ts) are checked by their compiler, asc (npm run build:kernels).
  { ignores: ['dist', 'dist-cli', 'node_modules', 'test-results', 'playwright-report', 'bench-results', 'public/vendor', '.e2e-dist', 'src/**/*.as.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The CLI's build and launcher (scripts/build-cli.mjs, scripts/cli.mjs): plain Node modules.
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // Parse the imported TypeScript modules too (no-cycle follows them), and resolve as tsc does.
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones({ forTests: false }) }],
    },
  },
  {
    files: TESTS,
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones({ forTests: true }) }] },
  },
);

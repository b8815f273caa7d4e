// Lint: typescript-eslint's recommended rules plus React hooks rules, over the whole repo.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  // AssemblyScript kernels (*.as.ts) are checked by their compiler, asc (npm run build:kernels).
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'bench-results', 'public/vendor', '.e2e-dist', 'src/**/*.as.ts'] },
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
);

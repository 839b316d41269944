// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Browser and Electron globals the core must never touch: it runs on plain Node in both hosts. */
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'HTMLElement',
  'RTCPeerConnection',
  'MediaStream',
  'AudioContext',
  'Notification',
  'alert',
  'confirm',
].map((name) => ({
  name,
  message: 'src/ is the core: no DOM. Put UI code in renderer/ and talk through the contract.',
}));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The layering rule (cf. VS Code's code-layering): the core knows nothing of its hosts or its UI.
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/ is the core: no Electron. Give it a port from main/electron instead.' },
            { name: 'react', message: 'src/ is the core: no React. UI lives in renderer/.' },
            { name: 'react-dom', message: 'src/ is the core: no React. UI lives in renderer/.' },
          ],
          patterns: [
            {
              regex: '^(electron|react|react-dom|zustand|react-i18next|react-aria-components)(/|$)',
              message: 'src/ is the core: no Electron, React or UI libraries.',
            },
            {
              regex: '(^|/)(main|renderer)/',
              message: 'src/ must not import from the hosts (main/) or the UI (renderer/).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...DOM_GLOBALS],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer is sandboxed: use the contract bridge.' }],
          patterns: [
            {
              regex: '(^|/)src/(?!contract/)',
              message: 'The renderer sees only the contract (src/contract), never the core.',
            },
            { regex: '(^|/)main/', message: 'The renderer must not import the hosts.' },
            { regex: '^node:', message: 'The renderer is sandboxed: no Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)renderer/', message: 'Hosts talk to the UI only through the contract.' }] },
      ],
    },
  },
  {
    files: ['main/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'The web host runs on plain Node.' }] },
      ],
    },
  },
);

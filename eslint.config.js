// ESLint flat config: typescript-eslint + eslint-plugin-vue. Run by `npm test`.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.native-electron/**', 'bench/peer/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/attributes-order': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // The IPC bridge is the only place that may touch ipcMain / ipcRenderer.
    files: ['src/**/*.ts', 'src/**/*.vue'],
    ignores: ['src/main/transport/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed contract (src/common/contract.ts) through the transport.' }] },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'MemberExpression[property.name=/^ipc(Main|Renderer)$/]', message: 'IPC only in src/main/transport and src/preload.' },
        { selector: 'ObjectPattern > Property[key.name=/^ipc(Main|Renderer)$/]', message: 'IPC only in src/main/transport and src/preload.' },
        { selector: "MemberExpression[object.property.name='webContents'][property.name='send']", message: 'Send events through forwardEvents.' },
      ],
    },
  },
  {
    // Renderer code runs in the browser: no node or electron modules.
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'electron', 'fs', 'path', 'better-sqlite3', '@tensorflow/*'], message: 'The renderer talks to main only through the contract.' }] }],
    },
  },
);

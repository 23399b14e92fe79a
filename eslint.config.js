// ESLint (flat config) with typescript-eslint. Besides the recommended rules, one house rule: other
// libraries' internals are read only in src/adapters/ (one file per library), so a newcomer finds every
// such dependency in one folder and a runner upgrade breaks one file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const foreignInternals = [
  {
    selector:
      'Literal[value=/^(expect-global|\\$\\$jest-matchers-object|JEST_STATE_SYMBOL|jest-native-now|opentelemetry\\.js\\.api\\.1|OpenTelemetry Context Key SPAN)$/]',
    message: "Another library's internals: read them in src/adapters/ (one file per library).",
  },
  {
    selector: 'MemberExpression[property.name=/^(_isMockFunction|currentlyRunningTest)$/]',
    message: "Another library's internals: read them in src/adapters/ (one file per library).",
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'docs/api/**', 'node_modules/**', 'test/consumers/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        globalThis: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        clearImmediate: 'readonly',
        queueMicrotask: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        Headers: 'readonly',
        EventTarget: 'readonly',
        Event: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      'no-restricted-syntax': ['error', ...foreignInternals],
      // A timer handle read by a closure that may run before the timer is set (an already-aborted signal).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  { files: ['src/adapters/**'], rules: { 'no-restricted-syntax': 'off' } },
  {
    // Tests and benches may poke at internals to prove behaviour, and use the runners' globals.
    files: ['test/**', 'bench/**', 'examples/**'],
    languageOptions: {
      globals: {
        describe: 'readonly',
        test: 'readonly',
        it: 'readonly',
        expect: 'readonly',
        beforeEach: 'readonly',
        afterEach: 'readonly',
        beforeAll: 'readonly',
        afterAll: 'readonly',
        vi: 'readonly',
        jest: 'readonly',
      },
    },
    // ANSI colour codes are stripped from runner output with control-character regexes.
    rules: { 'no-restricted-syntax': 'off', '@typescript-eslint/no-explicit-any': 'off', 'no-control-regex': 'off' },
  },
  {
    // Fixtures are what users write: Vitest and Playwright read a fixture's dependencies from an object
    // pattern (an empty one included), and the CommonJS fixtures use require/module.
    files: ['test/verdicts/fixtures/**'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['test/verdicts/fixtures/p2/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Size limits (issue 24): a file a newcomer reads in one sitting, a function that fits on a screen.
    files: ['src/**/*.ts', 'clock/**/*.ts', 'matchers/**/*.ts', 'reporter/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300 }], 'max-lines-per-function': ['error', { max: 60 }] },
  },
);

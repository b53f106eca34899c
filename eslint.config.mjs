// Guard rails, checked in CI (`npm run lint`): promises are awaited or handed on on purpose,
// switches over unions are exhaustive, domain code stays pure, and a feature reaches another
// one only through that feature's public files (not its infrastructure/ or http/ folders).
import { readdirSync, statSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const FEATURES = readdirSync('src').filter((d) => statSync(`src/${d}`).isDirectory());

/**
 * Cross-feature imports of private folders that are allowed, and why. Keep this list short:
 * each entry is a seam that belongs to more than one feature.
 */
const SHARED = {
  // The one HTTP sending seam (egress guard included) serves deliveries and webhook stages.
  'webhooks/infrastructure/http-sender': ['stages'],
  // Channels are webhook subscriptions: the projects repository reads their rows the same way.
  'webhooks/infrastructure/subscription-rows': ['projects'],
  // The rebuild command line runs the jobs feature's rebuilder.
  'jobs/infrastructure/projection-rebuilder': ['cli'],
  // The migration command installs pg-boss's schema and Herald's queues before any instance starts.
  'webhooks/infrastructure/queue-schema': ['cli'],
  // The shapes other features' OpenAPI documents and answers reuse.
  'jobs/http/jobs.schemas': ['webhooks', 'triggers', 'streams'],
  // The names of Herald's pg-boss queues, whose waiting jobs the metrics count at scrape time.
  'webhooks/infrastructure/work-queue.service': ['metrics'],
};

/** Import patterns a file of `feature` may not use: other features' private folders. */
function privateOf(feature) {
  return FEATURES.filter((f) => f !== feature).flatMap((other) =>
    ['infrastructure', 'http'].map((folder) => ({
      regex: `(^|/)${other}/${folder}/(?!(${Object.keys(SHARED)
        .filter((k) => k.startsWith(`${other}/${folder}/`) && SHARED[k].includes(feature))
        .map((k) => k.slice(`${other}/${folder}/`.length))
        .join('|') || '$^'})$)`,
      message: `${other}/${folder} is private to the ${other} feature: use its module's public files (or add a reasoned entry to SHARED in eslint.config.mjs).`,
    })),
  );
}

const DOMAIN_BANNED = [
  { regex: '^@nestjs/', message: 'domain code is plain TypeScript: no framework.' },
  { regex: '^(typeorm|pg|pg-boss|undici|express)$', message: 'domain code does no I/O.' },
  { regex: '(^|/)(infrastructure|http)/', message: 'domain code imports no infrastructure or HTTP code.' },
  { regex: '\\.(service|worker|repository|controller|listener|handler|module|runner)$', message: 'domain code imports no services.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.herald/**', 'coverage/**', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'migrations/**/*.ts', 'examples/**/*.ts', 'ui/src/**/*.{ts,tsx}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  ...FEATURES.map((feature) => ({
    files: [`src/${feature}/**/*.ts`],
    ignores: [`src/${feature}/domain/**`],
    rules: { 'no-restricted-imports': ['error', { patterns: privateOf(feature) }] },
  })),
  {
    files: ['src/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...DOMAIN_BANNED] }],
    },
  },
);

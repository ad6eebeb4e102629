/**
 * Cold start: each Lambda entry is bundled exactly as the CDK app bundles it (esbuild's JS API with
 * the options of lib/constructs/service-function.ts), next to a baseline bundle that imports only
 * the AWS SDK clients that function uses (bench/baselines/). Each bundle is then loaded in a fresh
 * Node process (`import()` timed inside it, with `--enable-source-maps` as NODE_OPTIONS sets on
 * Lambda), runs interleaved function/baseline so that machine noise hits both alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName } from '../lib/naming';
import { type Summary, summarize } from './lib/stats';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

// The functions the CDK app deploys: one list (lib/naming.ts).
export const FUNCTIONS = FUNCTION_NAMES;
export type { FunctionName };

/** The SDK clients each function uses on AWS (what its baseline imports). */
export const CLIENTS_USED: Record<FunctionName, string[]> = {
  api: ['dynamodb', 'secrets-manager'],
  'submit-number': ['dynamodb', 'kms', 'secrets-manager'],
  'own-number': ['dynamodb', 'kms'],
  match: ['dynamodb', 'kms'],
  notify: ['dynamodb', 'sesv2', 'scheduler', 'secrets-manager'],
  'phase-timer': ['dynamodb'],
  reconciler: ['dynamodb', 'scheduler'],
  rooms: ['dynamodb', 'kms'],
  calendar: ['dynamodb'],
};

/** The banner of lib/constructs/service-function.ts (checked against it by `bundlingInSync`). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __backchannelCreateRequire } from 'node:module'; const require = __backchannelCreateRequire(import.meta.url);";

/**
 * What the CDK app passes to NodejsFunction, as esbuild JS options: `--bundle --platform=node
 * --target=node22 --format=esm --outfile=…/index.mjs --minify --sourcemap --sources-content=false
 * --banner:js=… --main-fields=module,main`, no externals.
 */
export const CDK_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  banner: { js: ESM_REQUIRE_BANNER },
  mainFields: ['module', 'main'],
  external: [],
} as const;

/** Checks that lib/constructs/service-function.ts still bundles with these options. */
export function bundlingInSync(): string[] {
  const source = readFileSync(join(REPO_ROOT, 'lib/constructs/service-function.ts'), 'utf8');
  const expected = [
    'format: nodejs.OutputFormat.ESM',
    "target: 'node22'",
    "mainFields: ['module', 'main']",
    'minify: true',
    'sourceMap: true',
    'sourcesContent: false',
    'externalModules: []',
    ESM_REQUIRE_BANNER,
  ];
  return expected.filter((fragment) => !source.includes(fragment));
}

/** The environment each handler reads at module scope on AWS (superset; no value is ever used to connect). */
export const COLD_START_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'backchannel-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  STAGE: 'bench',
  POWERTOOLS_SERVICE_NAME: 'backchannel',
  LOG_LEVEL: 'INFO',
  TABLE_NAME: 'backchannel-bench',
  KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
  FINGERPRINT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:fingerprint-AbCdEf',
  SENDER_EMAIL: 'no-reply@example.com',
  SES_CONFIGURATION_SET: 'backchannel-bench',
  APP_URL: 'https://app.example.com',
  SCHEDULE_GROUP: 'backchannel-bench',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/backchannel-bench-scheduler',
  PHASE_TIMER_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:backchannel-bench-phase-timer',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:backchannel-bench-scheduler-dlq',
  JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Bench0000',
  JWT_AUDIENCE: 'bench-client-id',
};

/**
 * COLD_START_ENV plus a placeholder for every `requiredEnv('NAME')` in shared/ and functions/, so a
 * variable added to the product later does not break the benchmark (placeholders are never used
 * to connect: nothing touches the network at import).
 */
export function coldStartEnv(): Record<string, string> {
  const env = { ...COLD_START_ENV };
  const sources = execFileSync('grep', ['-rhoE', "requiredEnv\\('[A-Z0-9_]+'\\)", 'shared', 'functions'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  for (const [, name] of sources.matchAll(/requiredEnv\('([A-Z0-9_]+)'\)/g)) {
    if (!name || env[name] !== undefined) continue;
    env[name] = name.endsWith('_ARN')
      ? `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name.toLowerCase()}-AbCdEf`
      : `bench-${name.toLowerCase()}`;
  }
  return env;
}

export interface BundleInfo {
  file: string;
  bytes: number;
  mapBytes: number;
  /** Bytes in the output by origin: app, aws-sdk (+ @smithy, @aws-crypto …), powertools, middy, zod, jose, other. */
  composition: Record<string, number>;
  /** The SDK client packages that ended up in the bundle. */
  sdkClients: string[];
}

function origin(path: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (!match) return 'app';
  const pkg = match[1]!;
  if (
    /^@(aws-sdk|smithy|aws-crypto)\//.test(pkg) ||
    ['fast-xml-parser', 'strnum', 'tslib', 'bowser'].includes(pkg)
  )
    return 'aws-sdk';
  if (pkg.startsWith('@aws-lambda-powertools/')) return 'powertools';
  if (pkg.startsWith('@middy/')) return 'middy';
  if (pkg === 'zod' || pkg === 'jose') return pkg;
  return 'other';
}

function analyse(metafile: Metafile): Pick<BundleInfo, 'composition' | 'sdkClients'> {
  const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith('index.mjs'))?.[1];
  const composition: Record<string, number> = {};
  const clients = new Set<string>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    if (input.bytesInOutput === 0) continue;
    const key = origin(path);
    composition[key] = (composition[key] ?? 0) + input.bytesInOutput;
    const client = /node_modules\/@aws-sdk\/client-([^/]+)\//.exec(path)?.[1];
    if (client) clients.add(client);
  }
  return { composition, sdkClients: [...clients].sort() };
}

export async function bundle(entry: string, outdir: string): Promise<BundleInfo> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    ...CDK_BUNDLE_OPTIONS,
    mainFields: [...CDK_BUNDLE_OPTIONS.mainFields],
    external: [],
    entryPoints: [entry],
    outfile,
    absWorkingDir: REPO_ROOT,
    logLevel: 'error',
    metafile: true,
  });
  return {
    file: outfile,
    bytes: statSync(outfile).size,
    mapBytes: statSync(`${outfile}.map`).size,
    ...analyse(result.metafile),
  };
}

const LOADER = fileURLToPath(new URL('./lib/cold-load.mjs', import.meta.url));

interface LoadSample {
  ms: number;
  network: number;
  handler: string;
  rssMiB: number;
}

/** One fresh `node` process importing `file`; `sourceMaps` adds `--enable-source-maps` (as on Lambda). */
export function loadOnce(file: string, env: Record<string, string>, sourceMaps = true): LoadSample {
  const out = execFileSync(
    process.execPath,
    [...(sourceMaps ? ['--enable-source-maps'] : []), LOADER, file],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    },
  );
  return JSON.parse(out) as LoadSample;
}

export interface ColdStartRow {
  name: FunctionName;
  fn: BundleInfo;
  baseline: BundleInfo;
  /** `import()` ms with --enable-source-maps (as deployed). */
  fnLoad: Summary;
  baselineLoad: Summary;
  /** The function's bundle without --enable-source-maps. */
  fnLoadNoMaps: Summary;
  /** Median ratio function / baseline. */
  ratio: number;
  /** Did the import touch the network (any sample)? */
  network: boolean;
  handlerExported: boolean;
  rssMiB: number;
}

export interface ColdStartResult {
  rows: ColdStartRow[];
  runs: number;
  bundlingDrift: string[];
  wallSeconds: number;
}

export async function coldStart(options: {
  runs: number;
  log?: (line: string) => void;
}): Promise<ColdStartResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'backchannel-bench-cold-'));
  try {
    const bundles = new Map<FunctionName, { fn: BundleInfo; baseline: BundleInfo }>();
    for (const name of FUNCTIONS) {
      const fn = await bundle(join(REPO_ROOT, 'functions', name, 'index.ts'), join(dir, name));
      const baseline = await bundle(
        join(REPO_ROOT, 'bench', 'baselines', `${name}.ts`),
        join(dir, `${name}.baseline`),
      );
      bundles.set(name, { fn, baseline });
    }
    log(`bundled ${FUNCTIONS.length} functions and their baselines`);
    const env = coldStartEnv();
    // Warm the page cache equally before timing.
    for (const { fn, baseline } of bundles.values()) {
      loadOnce(fn.file, env);
      loadOnce(baseline.file, env);
    }
    const samples = new Map<
      FunctionName,
      { fn: LoadSample[]; baseline: LoadSample[]; noMaps: LoadSample[] }
    >();
    for (const name of FUNCTIONS) samples.set(name, { fn: [], baseline: [], noMaps: [] });
    for (let run = 0; run < options.runs; run++) {
      for (const name of FUNCTIONS) {
        const { fn, baseline } = bundles.get(name)!;
        const s = samples.get(name)!;
        // Alternate which goes first, so a drift in machine load hits both alike.
        if (run % 2 === 0) {
          s.fn.push(loadOnce(fn.file, env));
          s.baseline.push(loadOnce(baseline.file, env));
        } else {
          s.baseline.push(loadOnce(baseline.file, env));
          s.fn.push(loadOnce(fn.file, env));
        }
        // Without source maps: every other run (it only shows what --enable-source-maps costs).
        if (run % 2 === 0) s.noMaps.push(loadOnce(fn.file, env, false));
      }
      if ((run + 1) % 5 === 0) log(`cold start: ${run + 1}/${options.runs} runs`);
    }
    const rows: ColdStartRow[] = FUNCTIONS.map((name) => {
      const { fn, baseline } = bundles.get(name)!;
      const s = samples.get(name)!;
      const fnLoad = summarize(s.fn.map((x) => x.ms));
      const baselineLoad = summarize(s.baseline.map((x) => x.ms));
      return {
        name,
        fn,
        baseline,
        fnLoad,
        baselineLoad,
        fnLoadNoMaps: summarize(s.noMaps.map((x) => x.ms)),
        ratio: fnLoad.median / baselineLoad.median,
        network: [...s.fn, ...s.baseline, ...s.noMaps].some((x) => x.network > 0),
        handlerExported: s.fn.every((x) => x.handler === 'function'),
        rssMiB: summarize(s.fn.map((x) => x.rssMiB)).median,
      };
    });
    return {
      rows,
      runs: options.runs,
      bundlingDrift: bundlingInSync(),
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

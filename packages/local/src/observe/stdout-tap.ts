/**
 * Every line written to this process's stdout, passed on unchanged. The functions print their EMF
 * there, as on Lambda, where CloudWatch Logs reads it: the score API and the context refresh from
 * sandboxes in this thread, the batch function from worker threads, whose stdout Node pipes through
 * this thread's `process.stdout.write`. Returns the function that removes the tap.
 */
export function tapStdout(onLine: (line: string) => void): () => void {
  const stdout = process.stdout;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with stdout as `this`, as it was written
  const original = stdout.write;
  let partial = '';
  const tapped = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        onLine(line);
      } catch {
        // Reading the output must never break writing it.
      }
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  stdout.write = tapped;
  return () => {
    if (stdout.write === tapped) stdout.write = original;
  };
}

/** A progress line on stderr while a file streams, only when a person is watching (a TTY). */
export class Progress {
  private lastDraw = 0;
  private readonly enabled: boolean;
  private readonly started = performance.now();

  constructor(
    private readonly totalBytes: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(out.isTTY) && totalBytes > 0;
  }

  update(bytesRead: number, lines: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const share = Math.min(1, bytesRead / this.totalBytes);
    const width = 30;
    const filled = Math.round(share * width);
    const perMinute = lines / ((now - this.started) / 60_000);
    this.out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${lines.toLocaleString('en-US')} lines  ${Math.round(perMinute).toLocaleString('en-US')}/min`);
  }

  done(): void {
    if (this.enabled) this.out.write('\r\x1b[2K');
  }
}

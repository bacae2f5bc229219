/** One `echo-ridge <name>` subcommand: it parses its own arguments and returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

import { parseCommandArgs } from '../args.js';
import { CliError, EXIT } from '../cli-error.js';
import type { Command } from './command.js';

const USAGE =
  'echo-ridge dlq list (--stage <stage> | --dlq-url <url>) [--max 10] [--json]\n' +
  '       echo-ridge dlq redrive (--stage <stage> | --dlq-url <url> --queue-url <url>) [--rate <messages/s>]';

const OPTIONS = {
  stage: { type: 'string' },
  'queue-url': { type: 'string' },
  'dlq-url': { type: 'string' },
  max: { type: 'string' },
  json: { type: 'boolean' },
  rate: { type: 'string' },
} as const;

/** Options that only one action takes. */
const ACTION_OPTIONS = { list: ['max', 'json'], redrive: ['queue-url', 'rate'] } as const;
type Action = keyof typeof ACTION_OPTIONS;
const isAction = (name: string): name is Action => Object.hasOwn(ACTION_OPTIONS, name);

/** SQS's own bound on a move task's rate. */
const MAX_RATE = 500;

function wholeNumber(option: string, value: string, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) throw new CliError(`--${option} must be a whole number from 1 to ${max} (got "${value}")\nusage: ${USAGE}`);
  return parsed;
}

export const dlq: Command = {
  name: 'dlq',
  summary: "list the batch dead-letter queue's messages, or redrive them to the batch queue (SQS message move task)",
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS, USAGE, { min: 1, max: 1 });
    const action = positionals[0]!;
    if (!isAction(action)) throw new CliError(`unknown action "${action}"\nusage: ${USAGE}`);
    const other = action === 'list' ? 'redrive' : 'list';
    const misplaced = ACTION_OPTIONS[other].find((option) => values[option] !== undefined);
    if (misplaced !== undefined) throw new CliError(`--${misplaced} belongs to dlq ${other}\nusage: ${USAGE}`);
    const selection = { stage: values.stage, queueUrl: values['queue-url'], deadLetterQueueUrl: values['dlq-url'] };
    const max = values.max === undefined ? 10 : wholeNumber('max', values.max, 1000);
    const rate = values.rate === undefined ? undefined : wholeNumber('rate', values.rate, MAX_RATE);

    // Loaded here rather than at start-up: only this command needs the SQS client and the batch function's message parser.
    const { createSqsClient, peekDeadLetters, redriveDeadLetters, resolveQueue } = await import('../dead-letters.js');
    const sqs = createSqsClient();
    try {
      const deadLetterQueue = await resolveQueue(sqs, selection, 'batch-dlq');
      if (action === 'redrive') {
        const queue = await resolveQueue(sqs, selection, 'batch');
        const handle = await redriveDeadLetters(sqs, deadLetterQueue, queue, rate);
        process.stdout.write(
          [
            `moving about ${deadLetterQueue.messages} messages from ${deadLetterQueue.arn} to ${queue.arn}`,
            `task handle: ${handle}`,
            `progress: aws sqs list-message-move-tasks --source-arn ${deadLetterQueue.arn}`,
            `cancel:   aws sqs cancel-message-move-task --task-handle ${handle}`,
          ].join('\n') + '\n',
        );
        return EXIT.ok;
      }

      const letters = await peekDeadLetters(sqs, deadLetterQueue, max);
      if (values.json) process.stdout.write(letters.map((letter) => `${JSON.stringify(letter)}\n`).join(''));
      else if (letters.length > 0) {
        const rows = [
          ['MESSAGE ID', 'RECEIVES', 'FIRST FAILED', 'SENT', 'SUBJECT'],
          ...letters.map((letter) => [letter.message_id, String(letter.receive_count), letter.first_failed_at ?? '–', letter.sent_at ?? '–', letter.subject]),
        ];
        const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
        process.stdout.write(rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n');
      }
      process.stderr.write(`${deadLetterQueue.url}: ${letters.length} shown of about ${deadLetterQueue.messages} messages\n`);
      return EXIT.ok;
    } finally {
      sqs.destroy();
    }
  },
};

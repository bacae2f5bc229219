export { main, COMMANDS } from './main.js';
export type { Command } from './commands/command.js';

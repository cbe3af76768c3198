// `-` for a file, as tcpdump's -r - and -w -: standard input named `<stdin>` in messages. A terminal on standard input
// would wait for a capture typed by hand, so it is a usage error instead.
import { UsageError } from './verb';

export const STDIN = '<stdin>';

export function stdinSource(verb: string, what: string): { name: string; stream: NodeJS.ReadStream } {
  if (process.stdin.isTTY) throw new UsageError(`${verb}: - reads ${what} from standard input, which is a terminal; pipe one in`);
  return { name: STDIN, stream: process.stdin };
}

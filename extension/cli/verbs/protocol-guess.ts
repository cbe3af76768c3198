// The protocol name for a transcript header when the user gives none: from the target's well-known port.
const BY_PORT: Record<number, string> = { 7001: 'mogilefs', 3306: 'mysql', 5432: 'postgres', 27017: 'mongodb', 6379: 'redis' };

export function guessProtocolByPort(target: string): string {
  const port = Number(/:(\d+)$/.exec(target)?.[1]);
  return BY_PORT[port] ?? 'unknown';
}

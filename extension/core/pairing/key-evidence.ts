// Content evidence for a mismatch without a user's pattern, where the bytes carry it: the key the request asked for
// (a Redis command's key, a statement's first bound parameter, a MongoDB filter's `_id`) against the answer the
// client took. An answer whose bytes hold the key of the request it truly answers, and not the key asked for, proves
// the mismatch by its content (a Redis value that embeds its key, a row whose column equals the bound parameter, a
// document with the filter's `_id`). Short keys (a bare `7`) occur in any answer by chance, so they prove nothing.
const MIN_KEY_CHARS = 3;

/**
 * The evidence in words (its content's too, when the answer's bytes show its key), or null when there is none: `asked` is the key of the request that took the answer, `owner`
 * the key of the request it answers, `answer` its bytes (null: compare the keys only, as a user's pattern named them).
 */
export function keyEvidence(asked: string | undefined, owner: string | undefined, answer: Buffer | null): string | null {
  if (asked === undefined || owner === undefined || asked === owner) return null;
  const byOwner = `asked for key "${asked}", got the answer for key "${owner}"`;
  if (answer === null || owner.length < MIN_KEY_CHARS || asked.length < MIN_KEY_CHARS) return byOwner;
  if (answer.includes(owner) && !answer.includes(asked)) return `${byOwner}, and the answer's bytes carry "${owner}"`;
  return byOwner;
}

// What pairing reports: references to the requests and responses involved, and the findings (docs/verdicts.md).
import { fmtUs } from '../time-text';

export interface RequestRef {
  conn: number;
  /** 1-based number of the request on its connection */
  seq: number;
  /** when the request was whole on the wire */
  tUs: number;
  /** the transcript line holding its last byte */
  line: number;
  summary: string;
  key?: string;
  /** the id the instrumented client gave it */
  clientId?: string | number;
}

export interface ResponseRef {
  conn: number;
  seq: number;
  tUs: number;
  line: number;
  summary: string;
  key?: string;
}

export type FindingKind = 'mismatch' | 'timeout' | 'late' | 'unanswered' | 'orphan';

export interface Finding {
  kind: FindingKind;
  tUs: number;
  conn: number;
  /** the request the finding is about: for a mismatch, the one that took the wrong answer */
  request?: RequestRef;
  response?: ResponseRef;
  /** for mismatch and late: the request the response truly answers */
  answers?: RequestRef;
  /** for timeout: whether the client kept using the connection afterwards (the 2008 bug) */
  keptConnection?: boolean;
  /** where the content shows it: the key asked for against the key the answer carries */
  evidence?: string;
  /** whether the client view came from the client's own events or was inferred from the wire */
  basis: 'client' | 'inferred' | 'wire';
  /** for an inferred finding: what in the client's behaviour and timing it rests on */
  grounds?: string;
}

export function describeFinding(f: Finding): string {
  const req = f.request ? `request #${f.request.seq} "${f.request.summary}"` : 'a request';
  switch (f.kind) {
    case 'mismatch': {
      const owner = f.answers ? `request #${f.answers.seq} "${f.answers.summary}" (sent at ${fmtUs(f.answers.tUs)})` : 'no request';
      return `${req} took the answer "${f.response?.summary ?? '?'}", which answers ${owner}${f.evidence ? `; ${f.evidence}` : ''}${f.basis === 'client' ? ' (the client said so)' : ''}`;
    }
    case 'timeout':
      return `${req} was given up without an answer; the client ${f.keptConnection ? 'kept using the connection' : 'closed the connection'}`;
    case 'late':
      return `the answer "${f.response?.summary ?? '?'}" to ${req} arrived after the client had given up on it`;
    case 'unanswered':
      return `${req} never got an answer before the connection ended`;
    case 'orphan':
      return `the answer "${f.response?.summary ?? '?'}" arrived with no request waiting for it`;
  }
}

export { fmtUs };

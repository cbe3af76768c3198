// The fragmentation model: documents of s bytes laid end to end on pages (4 KB) in insertion (time) order, but
// owned by shard-key ranges that have nothing to do with that order. Moving a share m of the key space moves each
// document with probability m, and a page is freed (no longer needs RAM) only if every document on it moved:
// on average m^k for a page that k documents touch. Small documents (k ≈ 13 at 300 B) free almost nothing; pages
// only get sparser. Documents of a page or more touch one or two pages each and free about what they move.
// Compaction rewrites the remaining documents densely and reclaims the rest: m − freed.
import { seeded as mulberry32 } from '../random';

export const PAGE_BYTES = 4096;

export interface FragmentationQuestion {
  docBytes: number;
  /** share of the key space (and so, for keys independent of insertion order, of the documents) moved away */
  moveShare: number;
  pageBytes?: number;
}

export interface FragmentationAnswer {
  docBytes: number;
  pageBytes: number;
  moveShare: number;
  /** documents touching a page, on average */
  docsPerPage: number;
  /** share of pages emptied by the move: the RAM it frees */
  pagesFreedShare: number;
  /** share of the original pages still needed after the move */
  pagesStillNeededShare: number;
  /** live bytes over page bytes on the pages still needed (1 = full) */
  fillAfterMove: number;
  /** share of the original pages that a compaction afterwards reclaims on top of the move */
  compactionReclaimsShare: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The expected outcome, exactly, averaged over one period of the page/document layout. */
export function fragmentationModel(q: FragmentationQuestion): FragmentationAnswer {
  const P = q.pageBytes ?? PAGE_BYTES;
  const s = q.docBytes;
  const m = q.moveShare;
  if (!(Number.isInteger(s) && s > 0)) throw new RangeError(`document size must be a whole number of bytes > 0, not ${s}`);
  if (!(Number.isInteger(P) && P > 0)) throw new RangeError(`page size must be a whole number of bytes > 0, not ${P}`);
  if (!(m >= 0 && m <= 1)) throw new RangeError(`share moved must be from 0 to 1, not ${m}`);
  // The layout repeats every s / gcd(s, P) pages; beyond a million pages the average has long converged.
  const period = Math.min(s / gcd(s, P), 1_000_000);
  let freed = 0;
  let touching = 0;
  for (let j = 0; j < period; j++) {
    const first = Math.floor((j * P) / s);
    const last = Math.floor(((j + 1) * P - 1) / s);
    const k = last - first + 1;
    touching += k;
    freed += m ** k;
  }
  const pagesFreedShare = freed / period;
  const stillNeeded = 1 - pagesFreedShare;
  return {
    docBytes: s,
    pageBytes: P,
    moveShare: m,
    docsPerPage: touching / period,
    pagesFreedShare,
    pagesStillNeededShare: stillNeeded,
    fillAfterMove: stillNeeded > 0 ? (1 - m) / stillNeeded : 0,
    compactionReclaimsShare: Math.max(0, stillNeeded - (1 - m)),
  };
}

export interface FragmentationSimulation {
  docs: number;
  pages: number;
  docsMoved: number;
  pagesFreed: number;
  pagesAfterCompaction: number;
}

/**
 * The same question played out: `docs` documents inserted in time order, each owned by a random user id (the
 * shard key); the lowest share of the key space moves. Counts pages emptied by the move and pages a compaction
 * of the rest would need. Memory: one byte a page.
 */
export function simulateFragmentation(q: FragmentationQuestion, docs: number, seed = 1): FragmentationSimulation {
  const P = q.pageBytes ?? PAGE_BYTES;
  const s = q.docBytes;
  const rand = mulberry32(seed);
  const pages = Math.ceil((docs * s) / P);
  const live = new Uint8Array(pages);
  let moved = 0;
  for (let i = 0; i < docs; i++) {
    const key = rand();
    if (key < q.moveShare) {
      moved++;
      continue;
    }
    const a = Math.floor((i * s) / P);
    const b = Math.floor(((i + 1) * s - 1) / P);
    for (let j = a; j <= b; j++) live[j] = 1;
  }
  let stillLive = 0;
  for (let j = 0; j < pages; j++) stillLive += live[j];
  return { docs, pages, docsMoved: moved, pagesFreed: pages - stillLive, pagesAfterCompaction: Math.ceil(((docs - moved) * s) / P) };
}

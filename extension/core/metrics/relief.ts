// Relief that is not: after a crossover, the working set can fall back under RAM (chunks moved away, documents
// deleted) while the memory the shard really holds does not, because the freed documents were scattered over pages
// that each still hold others (Foursquare 2010: 5% moved, no page freed). Compares the storage or resident bytes
// with RAM at the moment the working set comes back under, and follows them until they do too.

export interface FalseRelief {
  /** when the working set came back under RAM */
  tSec: number;
  line: number;
  workingSetBytes: number;
  /** what still held memory: storage_bytes (on-disk pages) or resident_bytes (pages in RAM), whichever is larger */
  heldBytes: number;
  ramBytes: number;
  /** when the held bytes came under RAM too (a compaction), or null if they never did in the file */
  relievedSec: number | null;
}

export class ReliefTracker {
  relief: FalseRelief | null = null;
  private wasOver = false;

  observe(tSec: number, line: number, workingSetBytes: number, ramBytes: number, storageBytes?: number, residentBytes?: number): void {
    const over = workingSetBytes > ramBytes;
    const held = Math.max(storageBytes ?? 0, residentBytes ?? 0);
    if (this.relief && this.relief.relievedSec === null && held > 0 && held <= ramBytes) this.relief.relievedSec = tSec;
    if (this.wasOver && !over && !this.relief && held > ramBytes) {
      this.relief = { tSec, line, workingSetBytes, heldBytes: held, ramBytes, relievedSec: null };
    }
    this.wasOver = over;
  }
}

// Crossovers: the first sample where a shard's working set exceeds its RAM, and every later spell over RAM (the
// chart marks them). A spell ends at the first sample back under; spells kept are capped, their count is not.
export interface Crossover {
  tSec: number;
  line: number;
  workingSetBytes: number;
  ramBytes: number;
}

export interface OverSpell {
  startSec: number;
  /** null while still over RAM at the end of the file */
  endSec: number | null;
}

export class CrossoverTracker {
  first: Crossover | null = null;
  spells: OverSpell[] = [];
  spellCount = 0;
  over = false;

  constructor(private readonly maxSpells = 1000) {}

  observe(tSec: number, line: number, workingSetBytes: number, ramBytes: number): void {
    const over = workingSetBytes > ramBytes;
    if (over && !this.over) {
      this.first ??= { tSec, line, workingSetBytes, ramBytes };
      this.spellCount++;
      if (this.spells.length < this.maxSpells) this.spells.push({ startSec: tSec, endSec: null });
    } else if (!over && this.over) {
      const open = this.spells[this.spells.length - 1];
      if (open && open.endSec === null && this.spellCount === this.spells.length) open.endSec = tSec;
    }
    this.over = over;
  }
}

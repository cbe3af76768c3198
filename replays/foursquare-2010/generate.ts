// Builds foursquare-2010.metrics.csv from the numbers of Foursquare's October 2010 post-mortem (see README.md):
// hourly samples of every shard from the split into two shards (4 August 2010) to a week after the outage.
// Deterministic: a fixed seed, no clock, no I/O but the final write. Run it with
//   npx tsx replays/foursquare-2010/generate.ts [OUT]    (default: foursquare-2010.metrics.csv beside this file)
// What comes from the post-mortem and what is modelled is listed in README.md; the numbers are the constants below.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fragmentationModel } from '../../extension/core/metrics/fragmentation';
import { seeded as mulberry32 } from '../../extension/core/random';

const GB = 1e9;
const HOUR = 3600;
const at = (iso: string): number => Date.parse(iso) / 1000;

/** The post-mortem's numbers. */
export const FACTS = {
  ramBytes: 66 * GB, // each shard's machine
  splitBytes: 33 * GB, // each of the two shards at the split
  splitChunks: 200, // 200 chunks by user id, 100 a shard
  shard0AtCrossover: 66 * GB, // after two months, uneven growth...
  shard1AtCrossover: 50 * GB, // ...with the same chunk count
  movedShare: 0.05, // of shard0, to the third shard
  docBytes: 300, // documents of about 300 bytes
  compactionHours: 4, // repairDatabase() of shard0 on slow EBS
  laterShards: 6, // "more shards": about 20 GB needed per shard afterwards
};

/** The timeline, UTC (New York was on EDT, UTC−4). Clock times are ours where the post-mortem gives none. */
export const TIMELINE = {
  start: at('2010-08-04T04:00:00Z'), // two months before: the split into two shards
  crossover: at('2010-10-04T14:00:00Z'), // Monday morning, 10:00 in New York: the first hourly sample over 66 GB
  siteDown: at('2010-10-04T15:00:00Z'),
  shard2Added: at('2010-10-04T18:00:00Z'),
  moveEnd: at('2010-10-04T22:00:00Z'), // 5% of shard0 moved in 4 h
  compactionStart: at('2010-10-05T10:00:00Z'), // day two
  laterShardsAdded: [at('2010-10-06T12:00:00Z'), at('2010-10-06T14:00:00Z'), at('2010-10-06T16:00:00Z')],
  rebalanceEnd: at('2010-10-09T16:00:00Z'),
  slavesPromoted: at('2010-10-10T16:00:00Z'), // repaired (compacted) slaves promoted
  end: at('2010-10-12T04:00:00Z'),
};

const INDEX_SHARE = 0.06; // of the working set (data + index)
const SEED = 20101004;

/** Check-ins per hour, relative: a New York day (quiet at night, busy afternoons and evenings), busier weekends,
 *  and a user base that grew by half over the two months. */
function rate(tSec: number, rand: () => number): number {
  const local = new Date((tSec - 4 * HOUR) * 1000);
  const h = local.getUTCHours();
  const day = local.getUTCDay();
  const daily = 0.25 + Math.max(0, Math.sin((Math.PI * (h - 6)) / 18));
  const weekly = day === 0 || day === 6 ? 1.15 : 1;
  const trend = 1 + (0.5 * (tSec - TIMELINE.start)) / (TIMELINE.crossover - TIMELINE.start);
  return daily * weekly * trend * (0.85 + 0.3 * rand());
}

interface Shard {
  name: string;
  ws: number;
  storage: number;
  chunks: number;
  online: boolean;
}

export function generateFoursquare(): string {
  const T = TIMELINE;
  const rand = mulberry32(SEED);
  const hours: number[] = [];
  for (let t = T.start; t <= T.end; t += HOUR) hours.push(t);
  // Raw growth for each of the two first shards, then scaled so that the post-mortem's sizes come out at the
  // crossover; shard0's last step before it is split so that the crossing falls half-way through that hour.
  const raw0 = hours.map((t) => rate(t, rand));
  const raw1 = hours.map((t) => rate(t, rand));
  const iCross = hours.indexOf(T.crossover);
  const sum = (a: number[], n: number) => a.slice(1, n + 1).reduce((s, x) => s + x, 0);
  const k0 = (FACTS.shard0AtCrossover - FACTS.splitBytes) / (sum(raw0, iCross) - raw0[iCross] / 2);
  const k1 = (FACTS.shard1AtCrossover - FACTS.splitBytes) / sum(raw1, iCross);
  const newShard = (name: string): Shard => ({ name, ws: 0, storage: 0, chunks: 0, online: true });
  const shards: Shard[] = [
    { name: 'shard0', ws: FACTS.splitBytes, storage: FACTS.splitBytes, chunks: FACTS.splitChunks / 2, online: true },
    { name: 'shard1', ws: FACTS.splitBytes, storage: FACTS.splitBytes, chunks: FACTS.splitChunks / 2, online: true },
  ];
  const lines = ['time,shard,data_bytes,index_bytes,storage_bytes,ram_bytes,resident_bytes,page_faults_per_s,chunks,docs,avg_doc_bytes,note'];
  const notes = new Map<number, { shard: string; text: string }[]>();
  const note = (t: number, shard: string, text: string) => notes.set(t, [...(notes.get(t) ?? []), { shard, text }]);
  note(T.start, '', 'two shards (shard0, shard1) on 66 GB machines, 200 chunks split evenly by user id');
  note(T.siteDown, '', 'site down: shard0 reads and writes go to disk, queries slow, a backlog builds');
  note(T.shard2Added, 'shard2', 'added shard2; the balancer starts moving chunks from shard0');
  note(T.moveEnd, 'shard0', '5% of shard0 moved to shard2: pages sparser, none freed; still over RAM');
  note(T.compactionStart, 'shard0', 'repairDatabase() on shard0 (offline compaction) started');
  note(T.compactionStart + FACTS.compactionHours * HOUR, 'shard0', 'compaction finished after 4 h: shard0 fits in RAM, site back up');
  T.laterShardsAdded.forEach((t, i) => note(t, `shard${3 + i}`, `added shard${3 + i}`));
  note(T.slavesPromoted, '', 'repaired (compacted) slaves promoted on shard0, shard1, shard2');
  let shard0AtMove = 0;
  let rebalanceFrom: { ws: number; chunks: number }[] = [];

  // Moves bytes out of a shard by key range: the pages freed are what the fragmentation model says.
  const shrink = (s: Shard, newWs: number) => {
    const share = (s.ws - newWs) / s.ws;
    s.storage *= 1 - fragmentationModel({ docBytes: FACTS.docBytes, moveShare: share }).pagesFreedShare;
    s.ws = newWs;
  };
  const grow = (s: Shard, by: number) => {
    s.ws += by;
    s.storage += by; // appended in order: dense
  };

  hours.forEach((t, i) => {
    const down = t >= T.siteDown && t < T.compactionStart + FACTS.compactionHours * HOUR;
    const activity = down ? 0.1 : 1;
    if (i > 0) {
      if (t <= T.crossover) {
        grow(shards[0], raw0[i] * k0);
        grow(shards[1], raw1[i] * k1);
      } else {
        // after the crossover growth lands on every shard in proportion to its data (keys are spread evenly)
        const total = shards.reduce((s, x) => s + x.ws, 0);
        const add = ((raw0[i] * k0 + raw1[i] * k1) * activity);
        for (const s of shards) if (s.online) grow(s, (add * s.ws) / total);
      }
    }
    if (t === T.shard2Added) shards.push(newShard('shard2'));
    if (t === T.shard2Added) shard0AtMove = shards[0].ws;
    if (t > T.shard2Added && t <= T.moveEnd) {
      const step = (FACTS.movedShare * shard0AtMove * HOUR) / (T.moveEnd - T.shard2Added);
      const chunks = Math.round((FACTS.movedShare * shards[0].chunks * HOUR) / (T.moveEnd - t + HOUR));
      shrink(shards[0], shards[0].ws - step);
      grow(shards[2], step);
      shards[0].chunks -= chunks;
      shards[2].chunks += chunks;
    }
    if (t === T.compactionStart) shards[0].online = false;
    if (t === T.compactionStart + FACTS.compactionHours * HOUR) {
      shards[0].online = true;
      shards[0].storage = shards[0].ws; // rewritten densely
    }
    T.laterShardsAdded.forEach((ta) => {
      if (t === ta) shards.push(newShard(`shard${shards.length}`));
    });
    if (t === T.laterShardsAdded[T.laterShardsAdded.length - 1]) rebalanceFrom = shards.map((s) => ({ ws: s.ws, chunks: s.chunks }));
    if (t > T.laterShardsAdded[T.laterShardsAdded.length - 1] && t <= T.rebalanceEnd) {
      // the balancer evens out chunk counts across the six shards; bytes follow the chunks they belong to
      const alpha = (t - T.laterShardsAdded[2]) / (T.rebalanceEnd - T.laterShardsAdded[2]);
      const total = shards.reduce((s, x) => s + x.ws, 0);
      const totalChunks = rebalanceFrom.reduce((s, x) => s + x.chunks, 0);
      const fromTotal = rebalanceFrom.reduce((s, x) => s + x.ws, 0);
      shards.forEach((s, j) => {
        const target = ((1 - alpha) * rebalanceFrom[j].ws * total) / fromTotal + (alpha * total) / shards.length;
        if (target < s.ws) shrink(s, target);
        else grow(s, target - s.ws);
        s.chunks = Math.round((1 - alpha) * rebalanceFrom[j].chunks + (alpha * totalChunks) / shards.length);
      });
    }
    if (t === T.slavesPromoted) for (const s of shards.slice(0, 3)) s.storage = s.ws;
    if (t <= T.shard2Added) {
      // before any migration the balancer keeps the two chunk counts equal as chunks split (200 MB → 2 × 100 MB)
      const total = Math.round((FACTS.splitChunks * (shards[0].ws + shards[1].ws)) / (2 * FACTS.splitBytes));
      shards[0].chunks = Math.ceil(total / 2);
      shards[1].chunks = Math.floor(total / 2);
    }
    const rowNotes = notes.get(t) ?? [];
    for (const s of shards) {
      const own = rowNotes.filter((n) => n.shard === s.name).map((n) => n.text);
      if (!s.online) {
        for (const text of own) lines.push(`${iso(t)},${s.name},,,,,,,,,,${csv(text)}`);
        continue;
      }
      lines.push(row(t, s, own.join('; '), rand));
    }
    for (const n of rowNotes.filter((x) => x.shard === '')) lines.push(`${iso(t)},,,,,,,,,,,${csv(n.text)}`);
  });
  return `${lines.join('\n')}\n`;
}

function row(t: number, s: Shard, text: string, rand: () => number): string {
  const gb = (b: number) => `${(b / GB).toFixed(3)}GB`;
  const index = s.ws * INDEX_SHARE;
  const data = s.ws - index;
  const over = s.storage > FACTS.ramBytes;
  const faults = over ? 300 + Math.round(200 * rand()) : Math.round(5 * rand());
  const docs = Math.round(data / FACTS.docBytes);
  const fields = [iso(t), s.name, gb(data), gb(index), gb(s.storage), '66GB', gb(Math.min(s.storage, FACTS.ramBytes)), faults, s.chunks, docs, `${FACTS.docBytes}B`, csv(text)];
  return fields.join(',');
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const csv = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

if (require.main === module) {
  const out = process.argv[2] ?? join(__dirname, 'foursquare-2010.metrics.csv');
  writeFileSync(out, generateFoursquare());
  console.log(`wrote ${out}`);
}

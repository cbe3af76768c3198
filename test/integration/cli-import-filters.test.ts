// import's filters, as tcpdump's host and port and a time window, on real captures: what each keeps is computed from
// the unfiltered import of the same capture, never written down here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../helpers/cli';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';
import type { TranscriptEvent } from '../../extension/core/transcript';

const CAPTURES = join(__dirname, '..', 'fixtures', 'real', 'captures');
const dir = tempDir();
let n = 0;

async function imported(capture: string, ...flags: string[]): Promise<TranscriptEvent[]> {
  const out = join(dir, `${++n}.transcript.jsonl`);
  const r = await cli(['import', join(CAPTURES, capture), '--out', out, ...flags]);
  assert.equal(r.code, 0, r.stderr);
  return readAll(out);
}

interface Conn {
  c: number;
  peer: string;
  server: string;
  openUs: number;
  closeUs: number | null;
}

function connections(events: TranscriptEvent[]): Conn[] {
  const conns = new Map<number, Conn>();
  for (const ev of events) {
    if (ev.k === 'open') conns.set(ev.c, { c: ev.c, peer: String(ev.peer), server: String(ev.server), openUs: ev.t, closeUs: null });
    if ((ev.k === 'close' || ev.k === 'reset') && conns.has(ev.c)) (conns.get(ev.c) as Conn).closeUs = ev.t;
  }
  return [...conns.values()];
}

/** The host of "127.0.0.1:5432" or "[0:0:0:0:0:0:0:1]:6379", as --host takes it. */
const hostOf = (addr: string) =>
  addr
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/^0:0:0:0:0:0:0:1$/, '::1');
const portOf = (addr: string) => Number(/:(\d+)$/.exec(addr)?.[1]);

/** Each connection's bytes both ways, keyed by its addresses (the numbers change when some are left out). */
function streams(events: TranscriptEvent[], keep: (c: Conn) => boolean = () => true): Map<string, string> {
  return new Map(
    connections(events)
      .filter(keep)
      .map((c) => [`${c.peer}>${c.server}`, `${bytesOf(events, c.c, 'c2s').toString('hex')}|${bytesOf(events, c.c, 's2c').toString('hex')}`]),
  );
}

describe('import --host, --port', () => {
  test('--port keeps the connections from or to that port, whole, numbered from 1', async () => {
    const all = await imported('mixed.pcap');
    for (const port of [3306, 5432]) {
      const only = await imported('mixed.pcap', '--port', String(port));
      const expected = streams(all, (c) => portOf(c.server) === port || portOf(c.peer) === port);
      assert.equal(expected.size, 1);
      assert.deepEqual(streams(only), expected);
      assert.deepEqual(
        connections(only).map((c) => c.c),
        [1],
      );
    }
    // two ports are alternatives, as tcpdump's 'port 3306 or port 5432'
    assert.deepEqual(streams(await imported('mixed.pcap', '--port', '3306', '--port', '5432')), streams(all));
  });

  test('--host keeps the connections from or to that address, IPv4 or IPv6', async () => {
    const all = await imported('redis-two-hosts.pcap');
    const hosts = new Set(connections(all).map((c) => hostOf(c.server)));
    assert.deepEqual([...hosts].sort(), ['127.0.0.1', '::1']);
    for (const host of hosts) {
      const expected = streams(all, (c) => hostOf(c.server) === host || hostOf(c.peer) === host);
      assert.ok(expected.size > 0 && expected.size < connections(all).length);
      assert.deepEqual(streams(await imported('redis-two-hosts.pcap', '--host', host)), expected);
    }
    // the address as Wireshark writes it is the same host
    assert.deepEqual(
      streams(await imported('redis-two-hosts.pcap', '--host', '[0:0:0:0:0:0:0:1]')),
      streams(all, (c) => hostOf(c.server) === '::1'),
    );
  });

  test('a filter that matches nothing is one line naming it, exit 2, and no file', async () => {
    const out = join(dir, 'nothing.transcript.jsonl');
    const r = await cli(['import', join(CAPTURES, 'mixed.pcap'), '--out', out, '--host', '10.0.0.5', '--port', '3306']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^incident-replay import: .*mixed\.pcap: no connection matches host 10\.0\.0\.5, port 3306 \(of 45 packets, 45 were of other hosts or ports\)\n$/,
    );
    assert.equal(existsSync(out), false);
    const name = await cli(['import', join(CAPTURES, 'mixed.pcap'), '--out', out, '--host', 'db1.example']);
    assert.equal(name.code, 2);
    assert.match(name.stderr, /--host: "db1\.example" is not an IP address/);
  });
});

describe('import --from, --to', () => {
  test('a window cuts the connections crossing its edges with cut events; the rest of the capture is left out', async () => {
    const all = await imported('mixed.pcap');
    const conns = connections(all);
    assert.equal(conns.length, 2);
    assert.ok(conns.every((c) => c.closeUs !== null));
    // from: after both opened, before either closed; to: after the first close, before the second
    const lastOpen = Math.max(...conns.map((c) => c.openUs));
    const closes = conns.map((c) => c.closeUs as number).sort((a, b) => a - b);
    const fromUs = Math.round((lastOpen + closes[0]) / 2);
    const toUs = Math.round((closes[0] + closes[1]) / 2);
    // the first packet's time, µs since 1970, from the classic pcap's first record header
    const pcap = readFileSync(join(CAPTURES, 'mixed.pcap'));
    assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4);
    const firstUs = pcap.readUInt32LE(24) * 1e6 + pcap.readUInt32LE(28);
    // --from as a wall-clock time (whole ms: an ISO time has no µs), --to relative to the capture's start
    const fromMs = Math.ceil((firstUs + fromUs) / 1000);
    const from = fromMs * 1000 - firstUs;
    const win = await imported('mixed.pcap', '--from', new Date(fromMs).toISOString(), '--to', `+${toUs}us`);

    const closedInside = conns.find((c) => c.closeUs === closes[0]) as Conn;
    const goesOn = conns.find((c) => c.closeUs === closes[1]) as Conn;
    const outConns = connections(win);
    assert.deepEqual(outConns.map((c) => `${c.peer}>${c.server}`).sort(), conns.map((c) => `${c.peer}>${c.server}`).sort());
    const numberOf = (c: Conn) => (outConns.find((o) => o.peer === c.peer) as Conn).c;
    const cuts = win.filter((e) => e.k === 'cut');
    // both began before the window: opened at its start (t 0), with a cut; the one still open at its end cut there
    for (const c of conns) {
      assert.equal((outConns.find((o) => o.peer === c.peer) as Conn).openUs, 0);
      assert.ok(cuts.some((e) => e.c === numberOf(c) && e.t === 0 && /began before the window/.test(String(e.what))));
    }
    assert.ok(cuts.some((e) => e.c === numberOf(goesOn) && e.t === toUs - from && /went on past the window \(--to \+\d+us\)/.test(String(e.what))));
    assert.equal(cuts.length, 3);
    assert.equal((outConns.find((o) => o.peer === closedInside.peer) as Conn).closeUs, (closedInside.closeUs as number) - from);
    assert.equal((outConns.find((o) => o.peer === goesOn.peer) as Conn).closeUs, null);
    // the bytes kept are exactly those the capture has inside the window, at the same times less the window's start
    assert.ok(win.some((e) => e.k === 'c2s') && win.some((e) => e.k === 's2c'));
    assert.ok(all.some((e) => e.k === 'c2s' && e.t < from) && all.some((e) => e.k === 's2c' && e.t > toUs));
    for (const c of conns) {
      for (const dir of ['c2s', 's2c'] as const) {
        const inside = all.filter((e) => e.c === c.c && e.k === dir && e.t >= from && e.t <= toUs);
        const kept = win.filter((e) => e.c === numberOf(c) && e.k === dir);
        assert.deepEqual(
          kept.map((e) => e.t),
          inside.map((e) => e.t - from),
        );
        assert.deepEqual(bytesOf(kept, numberOf(c), dir), bytesOf(inside, c.c, dir));
      }
    }
  });

  test('analyze of a window says inconclusive and names the cut, never a mismatch from bytes begun mid-message', async () => {
    const out = join(dir, 'window.transcript.jsonl');
    // +100ms..+210ms falls inside both connections of mixed.pcap: the MariaDB one's answers to a select sent before it
    assert.equal((await cli(['import', join(CAPTURES, 'mixed.pcap'), '--out', out, '--from', '+100ms', '--to', '+210ms'])).code, 0);
    const r = await cli(['analyze', '--json', out]);
    assert.equal(r.code, 3, r.stdout);
    const a = JSON.parse(r.stdout);
    assert.equal(a.verdict, 'inconclusive');
    assert.equal(a.summary.findings.mismatch, 0);
    assert.equal(a.summary.findings.orphan, 0);
    assert.ok(a.notJudged.some((s: string) => /window/.test(s)));
  });

  test('a bad edge names its flag; a window that runs backwards or misses the capture is refused', async () => {
    const cap = join(CAPTURES, 'mixed.pcap');
    const out = join(dir, 'bad.transcript.jsonl');
    const bad = await cli(['import', cap, '--out', out, '--from', '10:00']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--from: "10:00" is not a time with its zone/);
    const unit = await cli(['import', cap, '--out', out, '--to', '+2 fortnights']);
    assert.match(unit.stderr, /--to: "2 fortnights" is not a duration/);
    const back = await cli(['import', cap, '--out', out, '--from', '+2s', '--to', '+1s']);
    assert.match(back.stderr, /--to \+1s is before --from \+2s/);
    const after = await cli(['import', cap, '--out', out, '--from', '+1h']);
    assert.equal(after.code, 2);
    assert.match(after.stderr, /no connection matches from \+1h/);
    assert.equal(existsSync(out), false);
  });
});

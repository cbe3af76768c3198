import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { importCapture } from '../../extension/core/capture';
import { UserError } from '../../extension/core/errors';
import { analyzeTranscript } from '../../extension/core/pairing';
import { reproduceMogilefs2008 } from '../../extension/core/tracker/reproduce';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';
import type { TranscriptEvent } from '../../extension/core/transcript';

const dir = tempDir();

/** tcpdump on loopback for the given ports; resolves once it listens. */
async function tcpdump(file: string, filter: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn('tcpdump', ['-i', 'lo', '-U', '-s', '0', '-w', file, ...extra, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.on('error', (e) => reject(new Error(`tcpdump is needed for this test (apt-get install tcpdump; run as root): ${e.message}`)));
    child.stderr?.on('data', (d) => {
      err += d;
      if (/listening on/.test(err)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`tcpdump exited (${code}) before listening: ${err.trim()}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise((r) => setTimeout(r, 300)); // the last packets reach the file (-U writes each packet)
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

/** Rewrites a classic pcap as pcapng with nanosecond timestamps, as tshark or dumpcap would write it. */
function toPcapng(pcap: Buffer): Buffer {
  const block = (type: number, body: Buffer) => {
    const pad = Buffer.alloc((4 - (body.length % 4)) % 4);
    const len = 12 + body.length + pad.length;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(len, 4);
    body.copy(b, 8);
    b.writeUInt32LE(len, len - 4);
    return b;
  };
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const link = pcap.readUInt32LE(20) & 0xffff;
  const idb = Buffer.alloc(16);
  idb.writeUInt16LE(link, 0);
  idb.writeUInt32LE(262144, 4);
  idb.writeUInt16LE(9, 8); // if_tsresol
  idb.writeUInt16LE(1, 10);
  idb.writeUInt8(9, 12); // 10^-9 s
  const out = [block(0x0a0d0d0a, shb), block(1, idb)];
  for (let o = 24; o + 16 <= pcap.length;) {
    const sec = BigInt(pcap.readUInt32LE(o));
    const usec = BigInt(pcap.readUInt32LE(o + 4));
    const len = pcap.readUInt32LE(o + 8);
    const ns = sec * 1_000_000_000n + usec * 1000n;
    const epb = Buffer.alloc(20 + len);
    epb.writeUInt32LE(0, 0);
    epb.writeUInt32LE(Number(ns >> 32n), 4);
    epb.writeUInt32LE(Number(ns & 0xffffffffn), 8);
    epb.writeUInt32LE(len, 12);
    epb.writeUInt32LE(pcap.readUInt32LE(o + 12), 16);
    pcap.copy(epb, 20, o + 16, o + 16 + len);
    out.push(block(6, epb));
    o += 16 + len;
  }
  return Buffer.concat(out);
}

type Mismatch = { conn: number; request?: { seq: number }; answers?: { seq: number } };
const pairs = (fs: Mismatch[]) => fs.map((f) => `${f.request?.seq}<-${f.answers?.seq}`);

describe('importing a tcpdump capture', () => {
  let pcap: string;
  let proxyTranscript: string;
  /** the proxy's and the tracker's ports: the two legs of the incident, whatever else the loopback carried */
  let legs: number[];
  before(async () => {
    // the 2008 reproduction, captured on the wire between the recording proxy and the tracker
    pcap = join(dir, 'tracker.pcap');
    proxyTranscript = join(dir, 'proxy.transcript.jsonl');
    // every loopback TCP port but the databases', whose connections from other tests may still be closing
    const dump = await tcpdump(pcap, 'tcp and not port 3306 and not port 5432 and not port 6379 and not port 27017');
    try {
      const r = await reproduceMogilefs2008({ out: proxyTranscript, requests: 40 });
      legs = [r.proxy, r.tracker].map((a) => Number(a.split(':').pop()));
    } finally {
      await stop(dump);
    }
  });

  test('a capture of the incident imports to the bytes the proxy relayed, with the same mismatches', async () => {
    const out = join(dir, 'imported.transcript.jsonl');
    const r = await importCapture(pcap, { out, filter: { ports: legs } });
    assert.equal(r.protocol, 'mogilefs', 'the protocol is recognised from the first bytes');
    assert.equal(r.gaps, 0, 'loopback loses nothing');
    const recorded = await readAll(proxyTranscript);
    const imported = await readAll(out);
    // the capture holds both legs (client to proxy, proxy to tracker); the client leg has the client's port as peer
    const peerOf = (evs: TranscriptEvent[]) => new Map(evs.filter((e) => e.k === 'open').map((e) => [String(e.peer), e.c]));
    const importedByPeer = peerOf(imported);
    const clientConns = [...peerOf(recorded)];
    assert.ok(clientConns.length >= 3);
    for (const [peer, c] of clientConns) {
      const ic = importedByPeer.get(peer);
      assert.ok(ic !== undefined, `the capture has the connection from ${peer}`);
      assert.ok(bytesOf(imported, ic, 'c2s').equals(bytesOf(recorded, c, 'c2s')), `${peer}: the requests are byte for byte the same`);
      assert.ok(bytesOf(imported, ic, 's2c').equals(bytesOf(recorded, c, 's2c')), `${peer}: the answers are byte for byte the same`);
    }
    // findings: the capture has no client events, so compare with the proxy's transcript read the same way
    const wireOnly = join(dir, 'proxy-wire-only.transcript.jsonl');
    writeFileSync(
      wireOnly,
      readFileSync(proxyTranscript, 'utf8')
        .split('\n')
        .filter((l) => !l.includes('"k":"client"'))
        .join('\n'),
    );
    const expected = (await analyzeTranscript(wireOnly)).findings.filter((f) => f.kind === 'mismatch');
    const got = (await analyzeTranscript(out)).findings.filter((f) => f.kind === 'mismatch');
    assert.ok(expected.length > 0);
    const buggyPeer = clientConns.find(([, c]) => c === expected[0].conn)?.[0];
    const onClientLeg = got.filter((f) => f.conn === importedByPeer.get(String(buggyPeer)));
    assert.deepEqual(pairs(onClientLeg), pairs(expected));
  });

  test('pcapng with nanosecond timestamps gives the same transcript', async () => {
    const ng = join(dir, 'tracker.pcapng');
    writeFileSync(ng, toPcapng(readFileSync(pcap)));
    const a = await importCapture(pcap, { out: join(dir, 'a.transcript.jsonl') });
    const b = await importCapture(ng, { out: join(dir, 'b.transcript.jsonl') });
    assert.equal(b.connections, a.connections);
    const strip = (f: string) => readFileSync(f, 'utf8').split('\n').slice(1).join('\n');
    assert.equal(strip(join(dir, 'b.transcript.jsonl')), strip(join(dir, 'a.transcript.jsonl')));
  });

  test('a capture cut short imports every whole packet and says where; no capture and an existing transcript are errors', async () => {
    const bytes = readFileSync(pcap);
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 7));
    const whole = await importCapture(pcap, { out: join(dir, 'whole.transcript.jsonl') });
    const r = await importCapture(cut, { out: join(dir, 'cut.transcript.jsonl') });
    assert.equal(r.packets, whole.packets - 1, 'every packet before the cut');
    assert.match(r.cut ?? '', /cut\.pcap: the capture ends in the middle of a packet/);
    const tail = (await readAll(join(dir, 'cut.transcript.jsonl'))).slice(-2);
    assert.deepEqual(
      tail.map((e) => e.k),
      ['cut', 'end'],
      'the cut is said, and the import itself ended normally',
    );
    const notCapture = join(dir, 'notes.txt');
    writeFileSync(notCapture, 'these are my notes\n');
    await assert.rejects(importCapture(notCapture, { out: join(dir, 'n.transcript.jsonl') }), /notes\.txt: not a pcap or pcapng capture/);
    const headerOnly = join(dir, 'header-only.pcap');
    writeFileSync(headerOnly, bytes.subarray(0, 30));
    await assert.rejects(
      importCapture(headerOnly, { out: join(dir, 'h.transcript.jsonl') }),
      (e: Error) => e instanceof UserError && /ends in the middle of a packet/.test(e.message),
    );
    assert.equal(existsSync(join(dir, 'h.transcript.jsonl')), false, 'a failed import leaves no file behind');
    const existing = join(dir, 'existing.transcript.jsonl');
    writeFileSync(existing, 'keep me');
    await assert.rejects(importCapture(pcap, { out: existing }), /already exists/);
    assert.equal(readFileSync(existing, 'utf8'), 'keep me');
  });
});

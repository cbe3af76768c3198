// `record --capture`: the recording that costs the traffic nothing. No proxy: tcpdump captures the target's port as
// the client talks to the server directly, and on stop the capture is imported (TCP reassembled, times as captured)
// with secrets masked as the proxy masks them. What tcpdump says it dropped is reported, and the gaps it leaves are in
// the transcript, so `analyze` says what it could not judge. The capture file lives in a private temporary folder
// and is removed once imported: it holds the passwords the transcript does not.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { isLoopback, parseHostPort, type HostPort } from '../address';
import { importCapture, type ImportResult } from '../capture/import';
import { UserError } from '../errors';

export interface CaptureOptions {
  target: string;
  out: string;
  protocol?: string;
  keepAuth?: boolean;
  /** the interface to capture on; default lo for a loopback target, else any */
  iface?: string;
  /** the tcpdump to run; default `tcpdump` on the PATH */
  tcpdump?: string;
  log?: (line: string) => void;
}

export interface CaptureResult extends ImportResult {
  /** packets tcpdump said the kernel dropped */
  dropped: number;
  /** connections recorded masked whole (protocol not told) */
  maskedConnections: number;
}

export interface RunningCapture {
  target: HostPort;
  iface: string;
  /** stops tcpdump and imports what it captured */
  stop(): Promise<CaptureResult>;
}

const LISTEN_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** tcpdump's libpcap timeout (1 s) and a margin: how long a stop waits for the packets still in the kernel's block */
const LAST_BLOCK_MS = 1_200;

export async function startCapture(opts: CaptureOptions): Promise<RunningCapture> {
  const target = parseHostPort(opts.target, '--target');
  if (existsSync(opts.out)) throw new UserError(`${opts.out} already exists; refusing to overwrite it (choose another --out)`);
  const iface = opts.iface ?? (isLoopback(target.host) ? 'lo' : 'any');
  const filter = isIP(target.host) ? `tcp port ${target.port} and host ${target.host}` : `tcp port ${target.port}`;
  const dir = await mkdtemp(join(tmpdir(), 'incident-replay-capture-'));
  const pcap = join(dir, 'capture.pcap');
  const tool = opts.tcpdump ?? 'tcpdump';
  // Neither --immediate-mode nor -U: libpcap hands packets over a block at a time and tcpdump writes them buffered,
  // which costs the traffic far less (redis-benchmark with 8 clients on 2 cores: 32-36k GET/s captured packet by
  // packet, with up to a fifth of the packets dropped by the kernel, against 77-80k and none dropped). A block is
  // handed over at the latest a second after its first packet (tcpdump's timeout), so a stop waits for that first
  // (stopped()). -s 0: whole packets. Run as root, tcpdump drops to its own user before it opens the file, which
  // could then not be made in our private folder: -Z keeps it the user we are
  const asUser = process.getuid?.() === 0 ? ['-Z', userInfo().username] : [];
  const child = spawn(tool, ['-i', iface, '-s', '0', '-n', ...asUser, '-w', pcap, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await listening(child, () => stderr, tool);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  opts.log?.(`tcpdump is capturing ${filter} on ${iface}`);
  let masked = 0;
  return {
    target,
    iface,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) opts.log?.(`waiting ${LAST_BLOCK_MS / 1000} s for tcpdump's last packets`);
      await stopped(child);
      const dropped = Number(/(\d+) packets? dropped by kernel/.exec(stderr)?.[1] ?? 0);
      if (dropped > 0) opts.log?.(`tcpdump: ${dropped} packets dropped by the kernel; the transcript has gaps where they were`);
      try {
        if (!existsSync(pcap)) throw new UserError(`tcpdump wrote no capture (${lastLine(stderr) || 'no reason given'})`);
        const r = await importCapture(pcap, {
          out: opts.out,
          protocol: opts.protocol,
          serverPorts: [target.port],
          mask: opts.keepAuth ? undefined : { protocol: opts.protocol, onUnknown: () => masked++ },
        }).catch((err: unknown) => {
          if (err instanceof UserError && /holds no packets/.test(err.message)) {
            throw new UserError(`no traffic to or from ${opts.target} was seen; nothing written`);
          }
          throw err;
        });
        return { ...r, dropped, maskedConnections: masked };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Resolves once tcpdump says it listens; a clear error when it cannot run or may not capture. */
function listening(child: ChildProcess, stderr: () => string, tool: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new UserError(`${tool} did not start capturing within ${LISTEN_TIMEOUT_MS / 1000} s (${lastLine(stderr()) || 'it said nothing'})`)),
      LISTEN_TIMEOUT_MS,
    );
    const done = (f: () => void) => {
      clearTimeout(timer);
      f();
    };
    child.once('error', (e: NodeJS.ErrnoException) =>
      done(() =>
        reject(
          new UserError(
            e.code === 'ENOENT'
              ? `${tool} is not installed (apt-get install tcpdump), or record through the proxy (--listen)`
              : `cannot run ${tool}: ${e.message}`,
          ),
        ),
      ),
    );
    child.stderr?.on('data', () => {
      if (/listening on/.test(stderr())) done(resolve);
    });
    child.once('exit', (code) => {
      const why = lastLine(stderr());
      const denied = /permission|not permitted|operation not permitted/i.test(why);
      done(() =>
        reject(
          new UserError(
            `${tool} stopped before capturing (exit ${code}): ${why || 'no reason given'}${denied ? '; it needs root or CAP_NET_RAW, or record through the proxy (--listen)' : ''}`,
          ),
        ),
      );
    });
  });
}

/**
 * Asks tcpdump to stop (it then flushes and prints its counts), once the packets libpcap still holds are handed over
 * (a stop at once loses the last second of traffic); kills it if it does not stop within a bound.
 */
async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await Promise.race([exited, new Promise((r) => setTimeout(r, LAST_BLOCK_MS))]);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop()?.trim() ?? '';
}

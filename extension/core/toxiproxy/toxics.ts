// Toxiproxy's toxics as this proxy's faults: a toxic's JSON ({name, type, stream, toxicity, attributes}) checked at
// the door and turned into a FaultSpec of the kind of the same name, and back. Attributes are whole numbers in
// Toxiproxy's units (ms, KB/s, bytes, µs), as its Go structs decode them; one it does not know is ignored, as there.
import type { FaultSpec } from '../record/fault-spec';
import type { ActiveFault } from '../record/fault-set';
import { faultKind, type FaultKind } from '../record/faults';
import { isObject } from '../transcript/format';
import { badBody, invalidStream, invalidToxicType } from './errors';

export interface ToxicJson {
  name: string;
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
  /** ours: only the n-th message in the stream (the n-th answer, downstream) */
  nth?: number;
}

/** A new toxic from a POST body: its name and its fault. */
export function toxicFromJson(body: unknown): { name: string; spec: FaultSpec } {
  if (!isObject(body)) throw badBody('expected a JSON object');
  const stream = body.stream === undefined ? 'downstream' : String(body.stream).toLowerCase();
  if (stream !== 'upstream' && stream !== 'downstream') throw invalidStream();
  const kind = typeof body.type === 'string' ? faultKind(body.type) : undefined;
  if (!kind?.attributes || kind.name !== body.type) throw invalidToxicType();
  if (body.name !== undefined && typeof body.name !== 'string') throw badBody('"name" is not a string');
  const name = typeof body.name === 'string' && body.name !== '' ? body.name : `${kind.name}_${stream}`;
  const spec: FaultSpec = { kind: kind.name, dirs: [stream === 'upstream' ? 'c2s' : 's2c'], share: 1, text: '' };
  const toxicity = body.toxicity === undefined ? 1 : toxicityOf(body.toxicity);
  if (toxicity < 1) spec.toxicity = toxicity;
  if (body.nth !== undefined) spec.nth = nthOf(body.nth);
  setAttributes(kind, spec, body.attributes ?? {});
  spec.text = describe(name, spec);
  return { name, spec };
}

/** A toxic's update (POST /proxies/{p}/toxics/{t}): attributes and toxicity given replace those set; the rest stays. */
export function toxicUpdate(fault: ActiveFault, body: unknown): FaultSpec {
  if (!isObject(body)) throw badBody('expected a JSON object');
  const kind = faultKind(fault.spec.kind) as FaultKind;
  const spec: FaultSpec = { ...fault.spec };
  if (body.toxicity !== undefined) {
    const toxicity = toxicityOf(body.toxicity);
    spec.toxicity = toxicity < 1 ? toxicity : undefined;
  }
  if (body.nth !== undefined) spec.nth = body.nth === null ? undefined : nthOf(body.nth);
  setAttributes(kind, spec, body.attributes ?? {});
  spec.text = describe(fault.name, spec);
  return spec;
}

export function toxicJson(fault: ActiveFault): ToxicJson {
  const spec = fault.spec;
  const attributes: Record<string, number> = {};
  for (const a of faultKind(spec.kind)?.attributes ?? []) attributes[a.name] = Math.round(((spec[a.field] as number | undefined) ?? 0) / a.factor);
  return {
    name: fault.name,
    type: spec.kind,
    stream: spec.dirs.includes('s2c') ? 'downstream' : 'upstream',
    toxicity: spec.toxicity ?? 1,
    attributes,
    ...(spec.nth !== undefined ? { nth: spec.nth } : {}),
  };
}

function setAttributes(kind: FaultKind, spec: FaultSpec, attrs: unknown): void {
  if (!isObject(attrs)) throw badBody('"attributes" is not an object');
  for (const a of kind.attributes ?? []) {
    const v = attrs[a.name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 40) {
      throw badBody(`attribute "${a.name}" of a ${kind.name} toxic must be a whole number from 0, got ${JSON.stringify(v)}`);
    }
    (spec as unknown as Record<string, number>)[a.field] = v * a.factor;
  }
  if ((spec.latencyMs ?? 0) + (spec.jitterMs ?? 0) > 24 * 3600 * 1000 || (spec.timeoutMs ?? 0) > 24 * 3600 * 1000 || (spec.delayMs ?? 0) > 24 * 3600 * 1000) {
    throw badBody('a time longer than 24h');
  }
}

function toxicityOf(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw badBody(`"toxicity" must be a number from 0 to 1, got ${JSON.stringify(v)}`);
  return v;
}

function nthOf(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw badBody(`"nth" must be a message number from 1, got ${JSON.stringify(v)}`);
  return v;
}

/** The toxic in one line, for the transcript's fault events. */
function describe(name: string, spec: FaultSpec): string {
  const t = toxicJson({ id: 0, name, spec });
  const attrs = Object.entries(t.attributes).map(([k, v]) => `${k}=${v}`);
  return [`${t.type} ${t.stream}`, ...attrs, ...(t.toxicity < 1 ? [`toxicity=${t.toxicity}`] : []), ...(t.nth ? [`nth=${t.nth}`] : [])].join(' ');
}

// The CLI's verbs, in the order `--help` lists them. Each verb lives in its own file.
import type { Verb } from '../verb';
import { analyze } from './analyze';
import { bench } from './bench';
import { check } from './check';
import { collect } from './collect';
import { fragmentation } from './fragmentation';
import { importVerb } from './import';
import { metrics } from './metrics';
import { record } from './record';
import { report } from './report';
import { reproduce } from './reproduce';
import { serve } from './serve';
import { tracker } from './tracker';

export const verbs: Verb[] = [analyze, report, reproduce, record, importVerb, tracker, check, bench, metrics, collect, fragmentation, serve];

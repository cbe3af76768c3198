// The CLI's verbs, in the order `--help` lists them. Each verb lives in its own file.
import type { Verb } from '../verb';
import { analyze } from './analyze';
import { bench } from './bench';
import { collect } from './collect';
import { fragmentation } from './fragmentation';
import { metrics } from './metrics';

export const verbs: Verb[] = [analyze, bench, metrics, collect, fragmentation];

// The CLI's verbs, in the order `--help` lists them. Each verb lives in its own file.
import type { Verb } from '../verb';
import { analyze } from './analyze';
import { bench } from './bench';

export const verbs: Verb[] = [analyze, bench];

export { startApi, API_VERSION, type ApiServer, type ApiOptions } from './server';
export { ProxyCollection, type ProxyJson } from './proxies';
export { verdictOf, type VerdictJson } from './verdict';
export type { ToxicJson } from './toxics';

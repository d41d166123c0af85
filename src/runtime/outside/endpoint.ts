import type { MessagePort } from 'node:worker_threads';
import type { Endpoint } from 'comlink';
import adapter from 'comlink/dist/umd/node-adapter.js';

/**
 * comlink 4.4 ships its Node adapter as ESM (.mjs, no .d.mts, so untyped
 * under NodeNext) and as UMD (typed). We use the UMD file, whose
 * `module.exports` IS the function while its .d.ts declares a default
 * export; accept either shape.
 */
type NodeEndpointFn = (port: unknown) => Endpoint;
const nodeEndpoint: NodeEndpointFn =
  typeof adapter === 'function' ? (adapter as unknown as NodeEndpointFn) : (adapter as { default: NodeEndpointFn }).default;

export function portEndpoint(port: MessagePort): Endpoint {
  return nodeEndpoint(port);
}

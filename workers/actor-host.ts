/** Worker entry for actors in worker threads: all logic lives in src/runtime/worker-runtime. */
import { parentPort, workerData } from 'node:worker_threads';
import { runActorHost, type ActorHostData } from '../src/runtime/worker-runtime.js';

if (!parentPort) throw new Error('workers/actor-host must run in a worker thread');
runActorHost(parentPort, workerData as ActorHostData);

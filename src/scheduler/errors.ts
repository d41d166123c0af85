/**
 * The scheduler's one error of its own: a residency move the chunk machine
 * refuses (evicting a leased or pinned chunk, loading a chunk twice, …).
 */
import { TensorhiveError } from '../errors/index.js';

export class ResidencyError extends TensorhiveError {
  readonly chunkId: string;
  readonly state: string;
  readonly event: string;
  constructor(chunkId: string, state: string, event: string, why: string) {
    super('ERR_RESIDENCY', `chunk ${chunkId}: ${event} refused in state ${state} (${why})`);
    this.chunkId = chunkId;
    this.state = state;
    this.event = event;
  }
}

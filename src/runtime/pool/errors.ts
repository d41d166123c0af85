import { TensorhiveError } from '../../errors/index.js';

/**
 * A pool job whose worker thread died under it on every attempt (the first run
 * and each retry), or once when its moved input could not be re-sent. The
 * last crash is the `cause`.
 */
export class JobCrashedError extends TensorhiveError {
  readonly pool: string;
  readonly job: string;
  readonly attempts: number;
  constructor(pool: string, job: string, attempts: number, detail: string, options?: { cause?: unknown }) {
    super(
      'ERR_JOB_CRASHED',
      `pool ${pool}: job ${job} crashed its worker on ${attempts} attempt${attempts === 1 ? '' : 's'} (${detail})`,
      options,
    );
    this.pool = pool;
    this.job = job;
    this.attempts = attempts;
  }
}

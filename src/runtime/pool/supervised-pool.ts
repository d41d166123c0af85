/**
 * A WorkerPool as a supervisor's child (`type: 'service'`). The supervisor
 * starts and stops it; every worker crash counts against the supervisor's
 * intensity/period instead of the pool's own window (too many and the
 * supervisor escalates like for any child, stopping the pool); a pool that
 * fails is restarted by the supervisor's strategy. The same WorkerPool object
 * is restarted, so references to it stay good.
 */
import type { RestartType, ServiceChildSpec, Shutdown } from '../child-spec.js';
import type { ServiceContext } from '../service.js';
import type { WorkerPool } from './pool.js';

export interface PoolChildOptions {
  readonly restart?: RestartType;
  readonly shutdown?: Shutdown;
}

export function poolChildSpec(pool: WorkerPool, id: string, options: PoolChildOptions = {}): ServiceChildSpec {
  return {
    id,
    type: 'service',
    ...options,
    start: (ctx: ServiceContext) => {
      const onFailed = (reason: unknown): void => ctx.exit(reason instanceof Error ? reason : new Error(String(reason)));
      const detach = (): void => {
        pool.off('failed', onFailed);
        pool.chargeRestartsTo(undefined);
      };
      return {
        start: async () => {
          pool.chargeRestartsTo({ record: () => ctx.restarted() });
          pool.on('failed', onFailed);
          try {
            await pool.start();
          } catch (err) {
            detach();
            throw err;
          }
        },
        stop: async () => {
          detach();
          await pool.stop();
        },
      };
    },
  };
}

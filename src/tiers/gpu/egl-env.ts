/**
 * The one environment tweak the GPU tier makes, kept in one place.
 *
 * Mesa's EGL picks its window-system platform from the EGL_PLATFORM variable
 * when Dawn's OpenGL ES backend initialises the display. On a headless machine
 * (CI, servers) the default (X11/Wayland) has no display and eglInitialize
 * fails; `surfaceless` needs none. We set it only if the process has not set it
 * itself, only while a device is being opened, and restore it afterwards.
 *
 * Caveat: inside a worker thread `process.env` is a thread-local copy and does
 * not reach the C library's getenv, so a GPU tier running in a worker needs
 * EGL_PLATFORM=surfaceless in the real process environment (CI sets it).
 */
import { isMainThread } from 'node:worker_threads';

export const EGL_PLATFORM_VAR = 'EGL_PLATFORM';
export const EGL_PLATFORM_HEADLESS = 'surfaceless';

let depth = 0;
let setByUs = false;

/** Runs `fn` with EGL_PLATFORM=surfaceless unless the process chose a platform. */
export async function withHeadlessEgl<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    setByUs = process.env[EGL_PLATFORM_VAR] === undefined;
    if (setByUs) process.env[EGL_PLATFORM_VAR] = EGL_PLATFORM_HEADLESS;
  }
  try {
    return await fn();
  } finally {
    if (--depth === 0 && setByUs) {
      delete process.env[EGL_PLATFORM_VAR];
      setByUs = false;
    }
  }
}

/** A hint for failure messages when the variable cannot take effect from here. */
export function eglHint(): string {
  if (process.env[EGL_PLATFORM_VAR] !== undefined && !setByUs) return '';
  return isMainThread ? '' : ` (in a worker thread set ${EGL_PLATFORM_VAR}=${EGL_PLATFORM_HEADLESS} in the process environment)`;
}

/**
 * Typed, scoped, chained errors. Every error tensorhive throws on purpose is a
 * TensorhiveError with a stable `code`; the message names what is wrong, and
 * `cause` carries the underlying error where there is one.
 */
export class TensorhiveError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A public option or argument is invalid; the message names the option. */
export class ArgumentError extends TensorhiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ARGUMENT', message, options);
  }
}

/** A shape does not fit: wrong element count, row not a multiple of a block, … */
export class ShapeError extends TensorhiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SHAPE', message, options);
  }
}

/** A dtype is unknown or not supported by the operation asked for. */
export class DTypeError extends TensorhiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_DTYPE', message, options);
  }
}

/** A codec is unknown, or its parameters are invalid for the input. */
export class CodecError extends TensorhiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CODEC', message, options);
  }
}

/**
 * Bytes do not parse: a blob, a safetensors/GGUF/tensorhive file. `field` names
 * the part of the format that is wrong (for example `header.payloadLength`).
 */
export class FormatError extends TensorhiveError {
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('ERR_FORMAT', `${field}: ${message}`, options);
    this.field = field;
  }
}

/** Stored bytes fail their checksum. Names what was being read and where. */
export class IntegrityError extends TensorhiveError {
  readonly subject: string;
  constructor(subject: string, message: string, options?: { cause?: unknown }) {
    super('ERR_INTEGRITY', `${subject}: ${message}`, options);
    this.subject = subject;
  }
}

/** A file or I/O operation failed; wraps the system error as `cause`. */
export class IOError extends TensorhiveError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('ERR_IO', `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A request did not get its answer in time. */
export class TimeoutError extends TensorhiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_TIMEOUT', message, options);
  }
}

/** The actor (or its thread) a request went to is dead or stopped. */
export class ActorDeadError extends TensorhiveError {
  readonly actor: string;
  readonly reason: unknown;
  constructor(actor: string, reason: unknown, options?: { cause?: unknown }) {
    super('ERR_ACTOR_DEAD', `actor ${actor} is not alive (${describeReason(reason)})`, options);
    this.actor = actor;
    this.reason = reason;
  }
}

/** An actor's own code threw while handling a call; the error travels back to the caller. */
export class RemoteError extends TensorhiveError {
  readonly remoteName: string;
  readonly remoteStack: string | undefined;
  constructor(remoteName: string, message: string, remoteStack?: string) {
    super('ERR_REMOTE', `${remoteName}: ${message}`);
    this.remoteName = remoteName;
    this.remoteStack = remoteStack;
  }
}

/** A bounded resource (a stash, a pool, a budget) is full. */
export class CapacityError extends TensorhiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CAPACITY', message, options);
  }
}

export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  if (typeof reason === 'string') return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}

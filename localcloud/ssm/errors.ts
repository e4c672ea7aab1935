/** An SSM error: `{"__type","message"}` with HTTP 400, as SSM answers. */
export class SsmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const validation = (message: string) => new SsmError('ValidationException', message);

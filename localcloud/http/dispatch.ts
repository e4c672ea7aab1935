import { AwsJsonError } from './http';

/**
 * Operation dispatch shared by the AWS JSON services: an `x-amz-target`
 * names `<Prefix>.<Operation>`, looked up among the table's OWN entries only
 * (a target such as `Prefix.constructor` or `Prefix.__proto__` must not reach
 * Object.prototype), and anything the table lacks gets AWS's answer:
 * - an operation the real service has but the local cloud does not emulate:
 *   501 UnsupportedOperationException, naming it;
 * - a name the service does not have at all: 400 UnknownOperationException.
 */
export type OperationTable<H> = ReadonlyMap<string, H> | Readonly<Record<string, H>>;

/** The table's own entry for `name`, never an inherited member. */
export function ownEntry<H>(table: OperationTable<H>, name: string): H | undefined {
  if (table instanceof Map) return table.get(name);
  const record = table as Readonly<Record<string, H>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** The one wording, every service and protocol, of UnsupportedOperationException (HTTP 501). */
export const notEmulatedMessage = (what: string): string => `The local cloud does not implement ${what}.`;

/** 501 UnsupportedOperationException: the real service has `operation`; the local cloud does not emulate it. */
export function notEmulatedOperation(targetPrefix: string, operation: string): AwsJsonError {
  return new AwsJsonError('UnsupportedOperationException', notEmulatedMessage(`${targetPrefix}${operation}`), 501);
}

/** 400 UnknownOperationException: the service has no such operation. */
export function unknownOperation(targetPrefix: string, operation: string): AwsJsonError {
  return new AwsJsonError('UnknownOperationException', `Unknown operation ${targetPrefix}${operation.slice(0, 128)}.`, 400);
}

/**
 * The handler for `operation`, or throws the AwsJsonError above.
 * `serviceOperations`: every operation the real service has (its API's list).
 */
export function resolveOperation<H>(
  table: OperationTable<H>,
  operation: string,
  options: { targetPrefix: string; serviceOperations: ReadonlySet<string> },
): H {
  const handler = ownEntry(table, operation);
  if (handler !== undefined) return handler;
  if (options.serviceOperations.has(operation)) throw notEmulatedOperation(options.targetPrefix, operation);
  throw unknownOperation(options.targetPrefix, operation);
}

/** A set from a whitespace-separated list of operation names. */
export const operationNames = (names: string): ReadonlySet<string> => new Set(names.split(/\s+/).filter(Boolean));

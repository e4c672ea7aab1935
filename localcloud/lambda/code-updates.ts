import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LambdaFunction } from './functions';

/**
 * Function code set by UpdateFunctionCode (the toolkit's hotswap), kept in the
 * state folder (`<state>/lambda-code/updates.json`, beside the unpacked code
 * folders) so it outlives a restart of the local cloud and a rebuild of the
 * running services by another deployment, as on Lambda: a function keeps the
 * code it was last given until CloudFormation gives it other code, which it
 * does only when the template's `Code` changes (a hotswap leaves the stack's
 * template as it was). So an update applies while the function's deployed
 * code is the one it replaced; it is forgotten once a deployment changed the
 * function's `Code`, and when its stack is deleted (the function, created
 * again, runs its template's code).
 */
export interface CodeUpdate {
  /** The unpacked zip's folder (content-addressed under `<state>/lambda-code/`). */
  codeDirectory: string;
  /** CodeSha256 and CodeSize of the zip, as Lambda reports them. */
  sha256: string;
  size: number;
  lastModified: string;
  /** The deployed code it replaced (`LambdaFunction.codeSource`). */
  replaces: string;
}

export class CodeUpdates {
  readonly root: string;
  private readonly file: string;
  private updates: Record<string, CodeUpdate>;

  constructor(stateDir: string) {
    this.root = join(stateDir, 'lambda-code');
    this.file = join(this.root, 'updates.json');
    try {
      this.updates = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, CodeUpdate>;
    } catch {
      this.updates = {};
    }
  }

  /** The update a function (as the runtime runs it) carries, if its code is one. */
  of(fn: LambdaFunction): CodeUpdate | undefined {
    const update = this.updates[fn.name];
    return update && update.codeDirectory === fn.codeDirectory ? update : undefined;
  }

  /** Records new code for a function; returns the function as it now runs. */
  record(fn: LambdaFunction, update: Omit<CodeUpdate, 'replaces'>): LambdaFunction {
    this.updates[fn.name] = { ...update, replaces: fn.codeSource };
    this.save();
    return { ...fn, codeDirectory: update.codeDirectory };
  }

  /** The deployed functions with the code their updates gave them; updates of functions whose deployed code changed since are forgotten. */
  apply(functions: LambdaFunction[]): LambdaFunction[] {
    let changed = false;
    const result = functions.map((fn) => {
      const update = this.updates[fn.name];
      if (!update) return fn;
      if (update.replaces !== fn.codeSource) {
        delete this.updates[fn.name];
        changed = true;
        return fn;
      }
      return { ...fn, codeDirectory: update.codeDirectory };
    });
    if (changed) this.save();
    return result;
  }

  /** A deleted stack's functions: their updates go with them. */
  forget(names: string[]): void {
    const known = names.filter((name) => Object.hasOwn(this.updates, name));
    for (const name of known) delete this.updates[name];
    if (known.length > 0) this.save();
  }

  private save(): void {
    mkdirSync(this.root, { recursive: true });
    const temp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temp, JSON.stringify(this.updates, null, 2));
    renameSync(temp, this.file);
  }
}

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/**
 * A Lambda code zip (what the CDK toolkit uploads to the assets bucket)
 * unpacked into a folder: the central directory read, each entry stored or
 * deflated, nothing written outside the folder (no `..`, no absolute
 * paths), and bounded (Lambda's own limit: 250 MB unzipped).
 */
export const UNZIPPED_LIMIT = 250 * 1024 * 1024;

export class ZipError extends Error {}

export function unzipInto(zip: Buffer, directory: string): void {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const root = resolve(directory);
  const temp = `${root}.partial-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  let total = 0;
  try {
    for (let i = 0; i < count; i++) {
      if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50) throw new ZipError('corrupt central directory');
      const method = zip.readUInt16LE(offset + 10);
      const compressedSize = zip.readUInt32LE(offset + 20);
      const size = zip.readUInt32LE(offset + 24);
      const nameLength = zip.readUInt16LE(offset + 28);
      const extraLength = zip.readUInt16LE(offset + 30);
      const commentLength = zip.readUInt16LE(offset + 32);
      const local = zip.readUInt32LE(offset + 42);
      const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
      offset += 46 + nameLength + extraLength + commentLength;
      const target = resolve(temp, name);
      if (name.includes('\\') || (target !== temp && !target.startsWith(temp + sep))) throw new ZipError(`entry ${JSON.stringify(name)} leaves the folder`);
      if (name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw new ZipError('corrupt local header');
      const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      total += size;
      if (total > UNZIPPED_LIMIT) throw new ZipError(`unzipped size exceeds ${UNZIPPED_LIMIT} bytes`);
      let bytes: Buffer;
      if (method === 0) bytes = data;
      else if (method === 8) bytes = inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
      else throw new ZipError(`compression method ${method} is not supported`);
      if (bytes.length !== size) throw new ZipError(`entry ${JSON.stringify(name)} has the wrong size`);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    }
    rmSync(root, { recursive: true, force: true });
    renameSync(temp, root);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error instanceof ZipError ? error : new ZipError((error as Error).message);
  }
}

function findEndOfCentralDirectory(zip: Buffer): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) return i;
  }
  throw new ZipError('not a zip file');
}

/** Where an asset zip is unpacked in the state folder (its object key is its content hash). */
export function assetFolder(stateDir: string, objectKey: string): string {
  return join(stateDir, 'cloudformation', 'assets', objectKey.replace(/[^A-Za-z0-9._-]/g, '_'));
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {}

/**
 * Extracts a zip archive (stored or deflated entries, as the CDK and Lambda
 * deployment packages are) into `dir`. Reads the central directory; refuses
 * entries that would land outside `dir`, encrypted and ZIP64 archives.
 */
export function extractZip(zip: Buffer, dir: string): number {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipError('Could not unzip uploaded file. Please check your file, then try to upload again.');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipError('ZIP64 archives are not supported by the local cloud.');
  const root = resolve(dir);
  let files = 0;
  for (let n = 0; n < count; n++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50) throw new ZipError('Could not unzip uploaded file. Please check your file, then try to upload again.');
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    offset += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) throw new ZipError('Encrypted zip entries are not supported.');
    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) throw new ZipError(`Zip entry ${name} is outside the archive's folder.`);
    if (name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    let data: Buffer;
    if (method === 0) data = raw;
    else if (method === 8) data = inflateRawSync(raw);
    else throw new ZipError(`Zip compression method ${method} is not supported.`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
    files++;
  }
  return files;
}

export const codeFolder = (base: string, sha: string) => join(base, sha.replace(/[^A-Za-z0-9]/g, '_'));

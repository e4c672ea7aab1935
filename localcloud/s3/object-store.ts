import type { Statement } from 'better-sqlite3';
import { closeSync, copyFileSync, fsyncSync, linkSync, mkdirSync, openSync, read, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import type { Db } from '../store/store';

/**
 * Objects and multipart uploads, durable across kill -9:
 *  - objects up to 64 KiB live in their row (`data`): one SQLite commit;
 *  - larger bytes are received into a new file in `blobs/` (its directory
 *    entry fsynced as it is created, group-committed) and fdatasynced, and
 *    only then is the metadata committed in SQLite (copies are hard-linked
 *    into `tmp/`, then renamed into `blobs/`);
 *  - a file-backed object is a list of blob segments (one for PutObject, the
 *    parts for a multipart upload: completing an upload moves no bytes);
 *  - on open, blobs no committed row references (a crash between rename and
 *    commit) and leftovers in `tmp/` are deleted. A torn object is never visible.
 */
const readAt = promisify(read);

/** fsync a file or directory by path. */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface Segment {
  file: string;
  size: number;
}

/** An open file holding bytes [from, to] (inclusive, within the file) of an object. */
export interface OpenSegment {
  fd: number;
  from: number;
  to: number;
}

export interface StoredObject {
  bucket: string;
  key: string;
  size: number;
  etag: string; // with quotes
  lastModified: Date;
  contentType: string;
  /** Content-Disposition, Cache-Control, ... as sent at upload. */
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksumCrc32?: string;
  segments: Segment[];
  /** Small objects live in the row itself (no file): their bytes. */
  data?: Buffer;
}

export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
  checksumCrc32?: string;
  /** The flexible checksum the part was uploaded with (any algorithm), verified. */
  checksum?: { algorithm: string; value: string };
  file: string;
}

export interface Upload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: Date;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksumAlgorithm?: string;
}

export class ObjectStore {
  private readonly statements = new Map<string, Statement<unknown[]>>();
  /** Prepared once, reused. */
  private stmt(sql: string) {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  readonly tmpDir: string;
  readonly blobDir: string;
  /** Transaction functions, made once (better-sqlite3 wraps each in a new function otherwise). */
  private readonly putTx: (object: StoredObject) => string[];
  private readonly putPartTx: (uploadId: string, part: StoredPart) => { ok: boolean; replaced?: string };
  private readonly completeTx: (uploadId: string, object: StoredObject) => string[];

  constructor(
    private readonly db: Db,
    rootDir: string,
  ) {
    this.tmpDir = join(rootDir, 'tmp');
    this.blobDir = join(rootDir, 'blobs');
    mkdirSync(this.tmpDir, { recursive: true });
    mkdirSync(this.blobDir, { recursive: true });
    db.exec(`CREATE TABLE IF NOT EXISTS s3_objects (
        bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL, content_type TEXT NOT NULL, headers TEXT NOT NULL, metadata TEXT NOT NULL,
        checksum_crc32 TEXT, segments TEXT NOT NULL,
        PRIMARY KEY (bucket, key)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS s3_uploads (
        upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL,
        content_type TEXT NOT NULL, headers TEXT NOT NULL, metadata TEXT NOT NULL, checksum_algorithm TEXT
      );
      CREATE TABLE IF NOT EXISTS s3_parts (
        upload_id TEXT NOT NULL REFERENCES s3_uploads(upload_id) ON DELETE CASCADE,
        part_number INTEGER NOT NULL, etag TEXT NOT NULL, size INTEGER NOT NULL, last_modified INTEGER NOT NULL,
        checksum_crc32 TEXT, file TEXT NOT NULL,
        PRIMARY KEY (upload_id, part_number)
      );`);
    const columns = (this.db.prepare('PRAGMA table_info(s3_objects)').all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('data')) this.db.exec('ALTER TABLE s3_objects ADD COLUMN data BLOB');
    const partColumns = (this.db.prepare('PRAGMA table_info(s3_parts)').all() as { name: string }[]).map((c) => c.name);
    if (!partColumns.includes('checksum')) this.db.exec('ALTER TABLE s3_parts ADD COLUMN checksum TEXT');
    this.putTx = db.transaction((object: StoredObject) => this.writeRow(object));
    this.putPartTx = db.transaction((uploadId: string, part: StoredPart) => {
      if (!this.stmt('SELECT 1 FROM s3_uploads WHERE upload_id = ?').get(uploadId)) return { ok: false };
      const replaced = this.stmt('SELECT file FROM s3_parts WHERE upload_id = ? AND part_number = ?').pluck().get(uploadId, part.partNumber) as string | undefined;
      this.stmt('INSERT OR REPLACE INTO s3_parts (upload_id, part_number, etag, size, last_modified, checksum_crc32, file, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(uploadId, part.partNumber, part.etag, part.size, part.lastModified.getTime(), part.checksumCrc32 ?? null, part.file, part.checksum ? JSON.stringify(part.checksum) : null);
      return { ok: true, replaced };
    });
    this.completeTx = db.transaction((uploadId: string, object: StoredObject) => {
      this.stmt('DELETE FROM s3_uploads WHERE upload_id = ?').run(uploadId);
      return this.writeRow(object);
    });
    this.collectGarbage();
  }

  /** Deletes temp files and blobs that no committed row references. */
  collectGarbage(): void {
    for (const f of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, f), { force: true });
    const referenced = new Set<string>();
    for (const row of this.stmt('SELECT segments FROM s3_objects').pluck().iterate() as Iterable<string>) {
      for (const s of JSON.parse(row) as Segment[]) referenced.add(s.file);
    }
    for (const f of this.stmt('SELECT file FROM s3_parts').pluck().iterate() as Iterable<string>) referenced.add(f);
    for (const f of readdirSync(this.blobDir)) if (!referenced.has(f)) rmSync(join(this.blobDir, f), { force: true });
  }

  newTempPath(): string {
    return join(this.tmpDir, `${randomUUID()}.part`);
  }

  /** fsync a finished temp file, move it into blobs/, fsync the directory. Returns the blob name. */
  seal(tempPath: string): string {
    fsyncPath(tempPath);
    const name = randomUUID();
    renameSync(tempPath, join(this.blobDir, name));
    fsyncPath(this.blobDir);
    return name;
  }

  /**
   * A new, empty file in blobs/ for bytes about to be received (created `wx`). Its directory entry is made
   * durable at once, while the bytes stream in (one directory fsync shared by every creation before it
   * starts), so once the file's own fdatasync is done the blob is durable, with no rename and no directory
   * fsync left at the end. Until a committed row references it, a crash leaves it unreferenced, and the next
   * open deletes it.
   */
  async createBlob(): Promise<{ name: string; file: FileHandle; durableEntry: Promise<void> }> {
    const name = randomUUID();
    const file = await open(join(this.blobDir, name), 'wx');
    const durableEntry = this.syncBlobDir();
    durableEntry.catch(() => undefined); // the caller awaits it; no unhandled rejection while the bytes arrive
    return { name, file, durableEntry };
  }

  /**
   * Moves a temp file that is already flushed to disk (written with `flush: true`)
   * into blobs/, then makes the rename durable with a directory fsync — one fsync
   * shared by every rename that finished before it started (group commit).
   */
  async sealFlushed(tempPath: string): Promise<string> {
    const name = randomUUID();
    await rename(tempPath, join(this.blobDir, name));
    await this.syncBlobDir();
    return name;
  }

  private dirSync: { running?: Promise<void>; next?: Promise<void> } = {};

  private syncBlobDir(): Promise<void> {
    const state = this.dirSync;
    if (state.next) return state.next; // will start after the running one: covers our rename
    const run = async () => {
      const dir = await open(this.blobDir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    };
    if (!state.running) {
      state.running = run().finally(() => (state.running = undefined));
      return state.running;
    }
    state.next = state.running.then(
      () => {
        state.next = undefined;
        state.running = run().finally(() => (state.running = undefined));
        return state.running;
      },
    );
    return state.next;
  }

  /**
   * Opens, at once, the files holding bytes [start, end] of an object the caller
   * has just looked up (call it in the same turn, before any await): an
   * overwrite or delete committed afterwards unlinks them, but open files stay
   * readable, so a read in flight returns the object it started with.
   */
  openRange(object: StoredObject, start: number, end: number): OpenSegment[] {
    const opened: OpenSegment[] = [];
    let offset = 0;
    try {
      for (const segment of object.segments) {
        const first = offset;
        offset += segment.size;
        if (offset - 1 < start || first > end) continue;
        opened.push({ fd: openSync(this.blobPath(segment.file), 'r'), from: Math.max(start, first) - first, to: Math.min(end, offset - 1) - first });
      }
    } catch (error) {
      for (const segment of opened) closeSync(segment.fd);
      throw error;
    }
    return opened;
  }

  /**
   * New blobs with an object's bytes (CopyObject), taken in the same turn as the
   * lookup (call it before any await): hard links, as a sealed blob never
   * changes, so a copy costs no time or space and a later overwrite of the
   * source cannot take its bytes away. Where links are refused, a byte copy.
   */
  async linkSegments(object: StoredObject): Promise<Segment[]> {
    const taken = object.segments.map((segment) => {
      const temp = this.newTempPath();
      try {
        linkSync(this.blobPath(segment.file), temp);
      } catch {
        copyFileSync(this.blobPath(segment.file), temp);
        fsyncPath(temp);
      }
      return { temp, size: segment.size };
    });
    const segments: Segment[] = [];
    for (const { temp, size } of taken) segments.push({ file: await this.sealFlushed(temp), size });
    return segments;
  }

  /**
   * The CRC32 of each of these sealed blobs, opened at once (call it in the same
   * turn as the lookup that named them, as openRange): a part replaced meanwhile
   * is unlinked, but its open file stays readable.
   */
  async crc32OfBlobs(files: string[]): Promise<number[]> {
    const opened: number[] = [];
    try {
      for (const file of files) opened.push(openSync(this.blobPath(file), 'r'));
    } catch (error) {
      for (const fd of opened) closeSync(fd);
      throw error;
    }
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    const crcs: number[] = [];
    try {
      for (const fd of opened) {
        let crc = 0;
        for (let position = 0; ; ) {
          const { bytesRead } = await readAt(fd, chunk, 0, chunk.length, position);
          if (bytesRead === 0) break;
          crc = crc32(chunk.subarray(0, bytesRead), crc);
          position += bytesRead;
        }
        crcs.push(crc >>> 0);
      }
    } finally {
      for (const fd of opened) closeSync(fd);
    }
    return crcs;
  }

  /** An object's bytes at once (small objects: Lambda code packages the toolkit uploaded). */
  readAll(object: StoredObject): Buffer {
    if (object.data) return object.data;
    return Buffer.concat(object.segments.map((segment) => readFileSync(this.blobPath(segment.file))));
  }

  blobPath(name: string): string {
    return join(this.blobDir, name);
  }

  /** Deletes one blob no row references (an upload refused after it was received, or one that failed). */
  discardBlob(file: string): void {
    this.removeBlobs([file]);
  }

  /**
   * Unlinks blobs no committed row references any more, off the request's path
   * (deleting a large file takes a while). A crash before they are gone leaves
   * orphans, which the next open deletes.
   */
  private removeBlobs(files: string[]): void {
    for (const f of files) {
      const path = join(this.blobDir, f);
      this.unlinking.add(path);
      unlink(path)
        .catch(() => {
          // already gone
        })
        .finally(() => this.unlinking.delete(path));
    }
  }

  private readonly unlinking = new Set<string>();

  /** Pending blob deletions (tests wait for them). */
  async settled(): Promise<void> {
    while (this.unlinking.size > 0) await new Promise((r) => setImmediate(r));
  }

  get(bucket: string, key: string): StoredObject | undefined {
    const row = this.stmt('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?').get(bucket, key) as any;
    return row ? toObject(row) : undefined;
  }

  /** Commits an object (replacing any previous one), then deletes the replaced blobs. */
  put(object: StoredObject): void {
    this.removeBlobs(this.putTx(object));
  }

  /** Inside a transaction: writes the row, returns the blobs it replaced. Blobs are never shared. */
  private writeRow(object: StoredObject): string[] {
    const old = this.stmt('SELECT segments FROM s3_objects WHERE bucket = ? AND key = ?').pluck().get(object.bucket, object.key) as string | undefined;
    this.stmt('INSERT OR REPLACE INTO s3_objects (bucket, key, size, etag, last_modified, content_type, headers, metadata, checksum_crc32, segments, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        object.bucket,
        object.key,
        object.size,
        object.etag,
        object.lastModified.getTime(),
        object.contentType,
        JSON.stringify(object.headers),
        JSON.stringify(object.metadata),
        object.checksumCrc32 ?? null,
        JSON.stringify(object.segments),
        object.data ?? null,
      );
    if (old === undefined || old === '[]') return [];
    const keep = new Set(object.segments.map((s) => s.file));
    return (JSON.parse(old) as Segment[]).map((s) => s.file).filter((f) => !keep.has(f));
  }

  delete(bucket: string, key: string): boolean {
    const old = this.stmt('DELETE FROM s3_objects WHERE bucket = ? AND key = ? RETURNING segments').pluck().get(bucket, key) as string | undefined;
    if (old === undefined) return false;
    this.removeBlobs((JSON.parse(old) as Segment[]).map((s) => s.file));
    return true;
  }

  /** Keys of a bucket in UTF-8 binary order, strictly after `after`, starting with `prefix`. */
  *scan(bucket: string, prefix: string, after: string): Generator<StoredObject> {
    const statement = this.stmt(
      // Listing never needs the bytes of inline objects.
      'SELECT bucket, key, size, etag, last_modified, content_type, headers, metadata, checksum_crc32, segments FROM s3_objects WHERE bucket = ? AND key > ? AND key >= ? ORDER BY key LIMIT 200',
    );
    let cursor = after;
    for (;;) {
      const rows = statement.all(bucket, cursor, prefix) as any[];
      if (rows.length === 0) return;
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) return;
        const skipTo: string | undefined = yield toObject(row);
        cursor = row.key;
        if (skipTo !== undefined) {
          cursor = skipTo;
          break;
        }
      }
      if (rows.length < 200 && cursor === rows[rows.length - 1].key) return;
    }
  }

  // ------------------------------------------------------------- multipart

  createUpload(upload: Upload): void {
    this.stmt('INSERT INTO s3_uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(upload.uploadId, upload.bucket, upload.key, upload.initiated.getTime(), upload.contentType, JSON.stringify(upload.headers), JSON.stringify(upload.metadata), upload.checksumAlgorithm ?? null);
  }

  getUpload(uploadId: string): Upload | undefined {
    const row = this.stmt('SELECT * FROM s3_uploads WHERE upload_id = ?').get(uploadId) as any;
    if (!row) return undefined;
    return {
      uploadId: row.upload_id,
      bucket: row.bucket,
      key: row.key,
      initiated: new Date(row.initiated),
      contentType: row.content_type,
      headers: JSON.parse(row.headers),
      metadata: JSON.parse(row.metadata),
      checksumAlgorithm: row.checksum_algorithm ?? undefined,
    };
  }

  putPart(uploadId: string, part: StoredPart): boolean {
    const { ok, replaced } = this.putPartTx(uploadId, part);
    if (!ok) this.removeBlobs([part.file]);
    else if (replaced) this.removeBlobs([replaced]);
    return ok;
  }

  parts(uploadId: string): StoredPart[] {
    return (this.stmt('SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number').all(uploadId) as any[]).map((r) => ({
      partNumber: r.part_number,
      etag: r.etag,
      size: r.size,
      lastModified: new Date(r.last_modified),
      checksumCrc32: r.checksum_crc32 ?? undefined,
      checksum: r.checksum ? JSON.parse(r.checksum) : undefined,
      file: r.file,
    }));
  }

  /** Commits the object made of the chosen parts, ends the upload, deletes unused parts. */
  completeUpload(uploadId: string, object: StoredObject): void {
    const all = this.parts(uploadId);
    const used = new Set(object.segments.map((s) => s.file));
    const replaced = this.completeTx(uploadId, object);
    this.removeBlobs([...replaced, ...all.map((p) => p.file).filter((f) => !used.has(f))]);
  }

  abortUpload(uploadId: string): boolean {
    const parts = this.parts(uploadId);
    const deleted = this.stmt('DELETE FROM s3_uploads WHERE upload_id = ?').run(uploadId).changes > 0;
    this.removeBlobs(parts.map((p) => p.file));
    return deleted;
  }
}

function toObject(row: any): StoredObject {
  return {
    bucket: row.bucket,
    key: row.key,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    contentType: row.content_type,
    headers: JSON.parse(row.headers),
    metadata: JSON.parse(row.metadata),
    checksumCrc32: row.checksum_crc32 ?? undefined,
    segments: JSON.parse(row.segments),
    data: row.data ?? undefined,
  };
}

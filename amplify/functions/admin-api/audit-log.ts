import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditPage, AuditRecord } from '../../api/contract';

export const AUDIT_PREFIX = 'audit/';

/** Milliseconds since 1970 past which keys would stop sorting (the year 2286). */
const LAST_MS = 9_999_999_999_999;

/**
 * The audit log: one S3 object per change under `audit/` in the storage
 * bucket, which only this function's role reaches, and only to read and
 * write — nothing can delete a record, and a key is never written twice
 * (`If-None-Match: *`). Keys sort newest first (the time counted down from
 * 2286), so a listing is the log's pages in order:
 * `audit/<LAST_MS - ms, 13 digits>-<ISO time>-<id>.json`.
 */
export interface AuditLog {
  append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  read(options: { limit: number; next?: string }): Promise<AuditPage>;
}

export function auditKey(at: Date, id: string): string {
  const countdown = String(LAST_MS - at.getTime()).padStart(13, '0');
  return `${AUDIT_PREFIX}${countdown}-${at.toISOString()}-${id}.json`;
}

export function s3AuditLog(s3: S3Client, Bucket: string, newId: () => string = randomUUID): AuditLog {
  return {
    async append(entry) {
      const record: AuditRecord = { id: newId(), ...entry };
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: auditKey(new Date(record.at), record.id),
          Body: JSON.stringify(record),
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
      return record;
    },
    async read({ limit, next }) {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: AUDIT_PREFIX, MaxKeys: limit, ContinuationToken: next }));
      const records = await Promise.all(
        (listing.Contents ?? []).map(async ({ Key }) => {
          const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
          return JSON.parse(await object.Body!.transformToString()) as AuditRecord;
        }),
      );
      return { records, ...(listing.IsTruncated && listing.NextContinuationToken ? { next: listing.NextContinuationToken } : {}) };
    },
  };
}

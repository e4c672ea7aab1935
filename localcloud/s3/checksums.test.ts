import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { describe, expect, it } from 'vitest';
import { checksummer } from './checksums';

/** The CRC32C and CRC-64/NVME implementations against the check values and the SDK's own. */
describe('checksummer', () => {
  const sdk = async (hash: { update(b: Uint8Array): void; digest(): Promise<Uint8Array> }, data: Buffer) => {
    hash.update(data);
    return Buffer.from(await hash.digest()).toString('base64');
  };
  it('matches the catalogued check values for "123456789"', () => {
    const of = (a: 'CRC32C' | 'CRC64NVME') => {
      const c = checksummer(a);
      c.update(Buffer.from('123456789'));
      return Buffer.from(c.digest(), 'base64').toString('hex');
    };
    expect(of('CRC32C')).toBe('e3069283');
    expect(of('CRC64NVME')).toBe('ae8b14860a799888');
  });
  it('matches the SDK for data fed in pieces', async () => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7919) & 0xff));
    for (const [name, sdkHash] of [['CRC32C', new Crc32c()], ['CRC64NVME', new Crc64Nvme()]] as const) {
      const c = checksummer(name);
      c.update(data.subarray(0, 3333));
      c.update(data.subarray(3333));
      expect(c.digest()).toBe(await sdk(sdkHash as never, data));
    }
  });
});

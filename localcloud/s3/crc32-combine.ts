/**
 * CRC-32 of a concatenation from the CRCs of its pieces (zlib's crc32_combine),
 * so a multipart object's full-object CRC32 is known without reading its bytes.
 */
function gf2MatrixTimes(mat: Uint32Array, vec: number): number {
  let sum = 0;
  let i = 0;
  while (vec !== 0) {
    if (vec & 1) sum ^= mat[i];
    vec >>>= 1;
    i++;
  }
  return sum >>> 0;
}

function gf2MatrixSquare(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2MatrixTimes(mat, mat[n]);
}

export function crc32Combine(crc1: number, crc2: number, len2: number): number {
  if (len2 <= 0) return crc1 >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320; // CRC-32 polynomial, reflected
  let row = 1;
  for (let n = 1; n < 32; n++) {
    odd[n] = row;
    row <<= 1;
  }
  gf2MatrixSquare(even, odd); // 2 zero bits
  gf2MatrixSquare(odd, even); // 4 zero bits
  let c1 = crc1 >>> 0;
  let len = len2;
  do {
    gf2MatrixSquare(even, odd);
    if (len & 1) c1 = gf2MatrixTimes(even, c1);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2MatrixSquare(odd, even);
    if (len & 1) c1 = gf2MatrixTimes(odd, c1);
    len = Math.floor(len / 2);
  } while (len !== 0);
  return (c1 ^ crc2) >>> 0;
}

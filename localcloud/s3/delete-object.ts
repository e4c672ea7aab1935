import { authorize, objectArn, type S3Context, sendEmpty } from './context';

/** DeleteObject (s3:DeleteObject): 204 whether or not the key existed. */
export async function deleteObject(ctx: S3Context): Promise<void> {
  authorize(ctx, 's3:DeleteObject', objectArn(ctx.bucket.name, ctx.key));
  ctx.services.objects.delete(ctx.bucket.name, ctx.key);
  sendEmpty(ctx, 204);
}

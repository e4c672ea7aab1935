import type { ProvisionedAssembly } from '../provisioning/types';

/** Buckets as the templates declare them (AWS::S3::Bucket), with their CORS rules. */
export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAge?: number;
}

export interface BucketConfig {
  name: string;
  arn: string;
  cors: CorsRule[];
  /** The CDK bootstrap assets bucket: the tools', not the backend's. */
  toolkit?: boolean;
}

export function buildBuckets(assembly: ProvisionedAssembly): BucketConfig[] {
  return assembly.ofType('AWS::S3::Bucket').map((r) => ({
    name: r.ref,
    arn: r.arn ?? `arn:aws:s3:::${r.ref}`,
    cors: (r.properties.CorsConfiguration?.CorsRules ?? []).map((rule: any) => ({
      allowedOrigins: rule.AllowedOrigins ?? [],
      allowedMethods: rule.AllowedMethods ?? [],
      allowedHeaders: rule.AllowedHeaders ?? [],
      exposedHeaders: rule.ExposedHeaders ?? [],
      maxAge: rule.MaxAge,
    })),
  }));
}

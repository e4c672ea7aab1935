/**
 * The seam between the function runtime and IAM: a function runs with
 * temporary credentials for its execution role, issued by the local cloud's
 * credential service (the one identity pools use), so every AWS call the
 * function makes is signed with them and authorized against the role's
 * policies.
 */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AssumeRoleInput {
  /** The execution role (`Role` of the AWS::Lambda::Function). */
  roleArn: string;
  /** Lambda uses the function's name as the session name. */
  sessionName: string;
  durationSeconds: number;
}

/** Issues credentials for a role, as `sts:AssumeRole` by lambda.amazonaws.com would. */
export type IssueRoleCredentials = (input: AssumeRoleInput) => Promise<RoleCredentials> | RoleCredentials;

/**
 * Used when no credential service is wired in: credentials that are
 * well-formed (so the SDK signs requests) but that no local cloud service
 * accepts, so every AWS call the function makes is refused, never allowed by
 * accident.
 */
export const unrecognizedCredentials: IssueRoleCredentials = ({ durationSeconds }) => ({
  accessKeyId: 'ASIALOCALNOTISSUED00',
  secretAccessKey: 'local-cloud-credentials-were-not-issued-for-this-role',
  sessionToken: 'local-cloud-no-credential-service',
  expiration: new Date(Date.now() + durationSeconds * 1000),
});

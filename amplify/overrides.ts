import { Stack } from 'aws-cdk-lib';
import { type CfnPolicy, Policy } from 'aws-cdk-lib/aws-iam';
import type { VaultBackend } from './api/admin-rest-api';

/** Password policy defineAuth has no prop for; sign-up codes go by email. */
export const PASSWORD_POLICY = {
  MinimumLength: 12,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
} as const;

export function hardenUserPool(backend: VaultBackend): void {
  const { cfnUserPool } = backend.auth.resources.cfnResources;
  cfnUserPool.policies = { passwordPolicy: toCamel(PASSWORD_POLICY) };
  // With both email and phone auto-verified, Cognito sends the sign-up code by
  // SMS only and leaves the email unverified. Verify the email at sign-up (it
  // is what account recovery and the admin bootstrap trust); the phone is
  // verified from the profile page.
  cfnUserPool.autoVerifiedAttributes = ['email'];
}

/**
 * amplify-backend issue 1771: Cognito hands a group member the group's role
 * (`cognito:preferred_role`) instead of the authenticated role, so they would
 * lose their own private/ and protected/ files. Attach the authenticated role's
 * storage policy to every group role too: groups only ever add access.
 */
export function applyGroupRoleFix(backend: VaultBackend): void {
  const authenticatedPolicy = findPolicyAttachedTo(
    backend.storage.stack,
    backend.auth.resources.authenticatedUserIamRole.roleName,
  );
  for (const group of Object.values(backend.auth.resources.groups)) {
    authenticatedPolicy.attachToRole(group.role);
  }
}

function findPolicyAttachedTo(scope: Stack, roleName: string): Policy {
  const wanted = JSON.stringify(Stack.of(scope).resolve([roleName]));
  const matches = scope.node
    .findAll()
    .filter((c): c is Policy => c instanceof Policy)
    .filter((p) => JSON.stringify(scope.resolve((p.node.defaultChild as CfnPolicy).roles)) === wanted);
  if (matches.length !== 1) {
    throw new Error(
      `Expected exactly one storage policy attached to the authenticated role, found ${matches.length}. ` +
        'Check amplify/storage/resource.ts grants `allow.authenticated` access.',
    );
  }
  return matches[0];
}

type CamelKeys<T> = { [K in keyof T as K extends string ? Uncapitalize<K> : K]: T[K] };
function toCamel<T extends object>(value: T): CamelKeys<T> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), v]),
  ) as CamelKeys<T>;
}

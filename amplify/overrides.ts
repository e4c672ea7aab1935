import { Stack } from 'aws-cdk-lib';
import { ClientAttributes, type CfnUserPool, type StandardAttributesMask } from 'aws-cdk-lib/aws-cognito';
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
 * Attributes people may not write themselves with their access token: the app
 * client's WriteAttributes leave them out, so Cognito refuses UpdateUserAttributes,
 * DeleteUserAttributes and SignUp carrying them ("A client attempted to write
 * unauthorized attribute"), whoever calls. Each has a checked path instead:
 * - birthdate: at sign-up it travels as ClientMetadata, checked by the pre sign-up
 *   trigger and written by the post-confirmation trigger; afterwards only
 *   through the REST API's PUT /me/birthdate (the same rule; AdminUpdateUserAttributes).
 */
export const NOT_WRITABLE_BY_PEOPLE = ['birthdate'] as const;

const ALL_STANDARD: StandardAttributesMask = {
  address: true, birthdate: true, email: true, emailVerified: true, familyName: true, fullname: true, gender: true,
  givenName: true, lastUpdateTime: true, locale: true, middleName: true, nickname: true, phoneNumber: true,
  phoneNumberVerified: true, preferredUsername: true, profilePage: true, profilePicture: true, timezone: true, website: true,
};

/**
 * The web client's WriteAttributes: every standard attribute (what Cognito
 * allows when the list is unset) and every custom attribute of the schema,
 * less NOT_WRITABLE_BY_PEOPLE. Attributes the social providers map stay
 * writable: Cognito updates them at each federated sign-in and fails the
 * sign-in when the client may not write one (amplify/auth/auth.test.ts checks;
 * the local cloud refuses such a sign-in too).
 */
export function limitPeoplesWrites(backend: VaultBackend): void {
  const { cfnUserPool, cfnUserPoolClient } = backend.auth.resources.cfnResources;
  const standard = new ClientAttributes().withStandardAttributes(ALL_STANDARD).attributes();
  const custom = customAttributesOf(cfnUserPool).map((name) => `custom:${name}`);
  const blocked = new Set<string>(NOT_WRITABLE_BY_PEOPLE);
  cfnUserPoolClient.writeAttributes = [...standard, ...custom].filter((name) => !blocked.has(name)).sort();
}

/** The schema's custom attributes (standard ones are in the schema too, by their OIDC names). */
function customAttributesOf(pool: CfnUserPool): string[] {
  const schema = (Array.isArray(pool.schema) ? pool.schema : []) as CfnUserPool.SchemaAttributeProperty[];
  const standard = new Set(new ClientAttributes().withStandardAttributes(ALL_STANDARD).attributes());
  return schema.map((a) => a.name ?? '').filter((name) => name && !standard.has(name));
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

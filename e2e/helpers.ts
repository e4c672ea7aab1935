import { mkdirSync, readFileSync } from 'node:fs';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { S3Client } from '@aws-sdk/client-s3';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { generate } from 'otplib';

export const LOCAL_CLOUD = 'http://localhost:20005';
export const SCREENS = 'e2e/artifacts/screens';
mkdirSync(SCREENS, { recursive: true });

let shot = 0;
/** A full-page screenshot kept as an artifact (e2e/artifacts/screens). */
export async function screenshot(page: Page, name: string): Promise<void> {
  shot++;
  await page.screenshot({ path: `${SCREENS}/${String(shot).padStart(2, '0')}-${name}.png`, fullPage: true });
}

/** axe (WCAG 2 A/AA): no serious or critical violations on the page as it is now. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe on ${name}`).toEqual([]);
}

interface OutboxMessage {
  to: string;
  channel: 'email' | 'sms';
  subject: string;
  body: string;
  code: string;
  sentAt: string;
}

/** Outbox messages whose code a test already took (so a fast flow never gets the previous code again). */
const taken = new Set<string>();
const messageId = (m: OutboxMessage) => `${m.to}|${m.sentAt}|${m.code}`;

/** Waits for a new message to `to` in the local cloud's outbox (sent since `after`, not taken before) and returns its code. */
export async function codeFor(to: string, after: number): Promise<string> {
  let found: OutboxMessage | undefined;
  await expect
    .poll(
      async () => {
        const messages = (await (await fetch(`${LOCAL_CLOUD}/_localcloud/outbox`)).json()) as OutboxMessage[];
        found = messages
          .filter((m) => m.to.toLowerCase() === to.toLowerCase() && !taken.has(messageId(m)))
          .find((m) => Date.parse(m.sentAt) >= after - 1000);
        return found?.code;
      },
      { message: `a code sent to ${to}`, timeout: 15_000 },
    )
    .toBeTruthy();
  taken.add(messageId(found!));
  return found!.code;
}

/** The current TOTP code; never the one used last (Cognito refuses a code twice). */
export async function totpCode(secret: string, previous?: string): Promise<string> {
  for (;;) {
    const code = await generate({ secret });
    if (code !== previous) return code;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export interface Person {
  email: string;
  phone: string;
  password: string;
  preferredUsername: string;
}

export function person(name: string, run: string, n: number): Person {
  return {
    email: `${name}+${run}@vault.test`,
    phone: `555${String(Date.now() % 1_000_000).padStart(6, '0')}${n % 10}`,
    password: `Vault-${name}-2026!x`,
    preferredUsername: name,
  };
}

/** Sign up through the Authenticator, confirm with the code from the outbox; ends signed in. */
export async function signUp(page: Page, who: Person, options: { birthdate?: string; beta?: boolean } = {}): Promise<void> {
  await page.goto('/');
  await page.getByRole('tab', { name: 'Create Account' }).click();
  await fillSignUp(page, who, options);
  const sent = Date.now();
  await page.getByRole('button', { name: 'Create Account' }).click();
  const code = await codeFor(who.email, sent);
  await page.getByLabel(/Confirmation Code/i).fill(code);
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();
}

export async function fillSignUp(page: Page, who: Person, options: { birthdate?: string; beta?: boolean } = {}): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Phone number').fill(who.phone);
  await page.getByLabel('Preferred username (optional)').fill(who.preferredUsername);
  await page.getByLabel('Birthdate').fill(options.birthdate ?? '1990-04-23');
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Confirm Password').fill(who.password);
  const beta = page.getByRole('checkbox', { name: /Join the beta/ });
  // Amplify UI draws its own box over the visually hidden input; use the keyboard, as people can.
  if ((await beta.isChecked()) !== (options.beta ?? false)) {
    await beta.focus();
    await page.keyboard.press('Space');
  }
  await expect(beta).toBeChecked({ checked: options.beta ?? false });
}

/** Sign in with email (or phone) and password; returns with the TOTP screen open if MFA is on. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email or phone number').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await submitSignIn(page, username, password);
  await expect(page.getByRole('navigation', { name: 'Places' })).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByLabel('Email or phone number')).toBeVisible();
}

export function section(page: Page, name: string) {
  return page.getByRole('region', { name, exact: true });
}

/** Opens a place of the file browser from the places list; returns the place shown (titled `title`). */
export async function openPlace(page: Page, link: string, title: string) {
  await page.getByRole('navigation', { name: 'Places' }).getByRole('link', { name: link, exact: true }).click();
  const shown = section(page, title);
  await expect(shown).toBeVisible();
  return shown;
}

/** The id token aws-amplify keeps in localStorage (to call AWS directly as that user). */
export async function idTokenOf(page: Page): Promise<string> {
  const token = await page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!;
      if (key.startsWith('CognitoIdentityServiceProvider.') && key.endsWith('.idToken')) return localStorage.getItem(key);
    }
    return null;
  });
  expect(token, 'id token in localStorage').toBeTruthy();
  return token!;
}

/**
 * The signed-in user's identity-pool id and S3 client, from the id token the
 * browser holds — the same credentials aws-amplify gets, used with the AWS SDK.
 */
export async function awsAs(page: Page): Promise<{ identityId: string; s3: S3Client; bucket: string }> {
  const outputs = JSON.parse(readFileSync('amplify_outputs.json', 'utf8'));
  const idToken = await idTokenOf(page);
  const iss = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()).iss as string;
  const identity = new CognitoIdentityClient({ region: outputs.auth.aws_region, endpoint: LOCAL_CLOUD });
  const Logins = { [iss.replace(/^https?:\/\//, '')]: idToken };
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: outputs.auth.identity_pool_id, Logins }));
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
  const s3 = new S3Client({
    region: outputs.storage.aws_region,
    endpoint: LOCAL_CLOUD,
    forcePathStyle: true,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretKey!,
      sessionToken: Credentials!.SessionToken,
    },
  });
  return { identityId: IdentityId!, s3, bucket: outputs.storage.bucket_name };
}

/** A small valid PNG (a 16×16 teal square) so the preview really decodes. */
export async function pngBytes(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 16;
    canvas.height = 16;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#0b5f73';
    ctx.fillRect(0, 0, 16, 16);
    return canvas.toDataURL('image/png').split(',')[1];
  });
  return Buffer.from(base64, 'base64');
}

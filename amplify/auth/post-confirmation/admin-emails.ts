/** Parses ADMIN_EMAILS: comma- or whitespace-separated, case-insensitive. */
export function parseAdminEmails(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(/[\s,;]+/)
      .map((email) => email.trim().toLowerCase())
      .filter((email) => email.length > 0),
  );
}

/**
 * A confirmed user becomes an administrator only when their email is listed
 * AND verified: otherwise anyone could sign up with an administrator's
 * address and confirm through another channel.
 */
export function shouldBootstrapAdmin(
  attributes: Record<string, string | undefined>,
  adminEmails: Set<string>,
): boolean {
  const email = attributes.email?.trim().toLowerCase();
  return email !== undefined && attributes.email_verified === 'true' && adminEmails.has(email);
}

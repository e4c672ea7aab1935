export type SectionId = 'public' | 'protected' | 'private' | 'shared' | 'admin';

export interface FileSection {
  id: SectionId;
  title: string;
  description: string;
  /** The storage prefix, ending in "/" (identity-scoped sections need the identity id). */
  prefix: string;
  canWrite: boolean;
  canDelete: boolean;
}

const WRITERS = ['EDITORS', 'ADMINS'];

/**
 * Which sections a person sees and what they may do there — mirrors
 * amplify/storage/resource.ts, so the UI never offers what IAM will deny.
 */
export function sectionsFor(viewer: { signedIn: boolean; groups: string[]; identityId?: string }): FileSection[] {
  const editor = viewer.groups.some((g) => WRITERS.includes(g));
  const admin = viewer.groups.includes('ADMINS');
  const sections: FileSection[] = [
    {
      id: 'public',
      title: 'Public',
      description: viewer.signedIn
        ? 'Anyone, even without an account, can see these files.'
        : 'Files anyone can see. Sign in to keep your own.',
      prefix: 'public/',
      canWrite: viewer.signedIn,
      canDelete: editor,
    },
  ];
  if (!viewer.signedIn || !viewer.identityId) return sections;
  sections.push(
    {
      id: 'private',
      title: 'Private',
      description: 'Only you can see these files.',
      prefix: `private/${viewer.identityId}/`,
      canWrite: true,
      canDelete: true,
    },
    {
      id: 'protected',
      title: 'Protected',
      description: 'Yours to change; any signed-in user can read them.',
      prefix: `protected/${viewer.identityId}/`,
      canWrite: true,
      canDelete: true,
    },
    {
      id: 'shared',
      title: 'Shared',
      description: editor
        ? 'The team area: you can add and remove files as an editor.'
        : 'The team area: editors add files here; you can read them.',
      prefix: 'shared/',
      canWrite: editor,
      canDelete: editor,
    },
  );
  if (admin) {
    sections.push({
      id: 'admin',
      title: 'Admin',
      description: 'Only administrators can see these files.',
      prefix: 'admin/',
      canWrite: true,
      canDelete: true,
    });
  }
  return sections;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export type PreviewKind = 'image' | 'pdf' | undefined;

export function previewKind(name: string): PreviewKind {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'avif'].includes(ext)) return 'image';
  if (ext === 'pdf') return 'pdf';
  return undefined;
}

/** A folder or file name people can type: no slashes, no "..", not empty. */
export function folderNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a folder name.';
  if (trimmed.includes('/') || trimmed === '.' || trimmed === '..') return 'A folder name cannot contain "/" or be "." or "..".';
  if (trimmed.length > 100) return 'Keep folder names under 100 characters.';
  return undefined;
}

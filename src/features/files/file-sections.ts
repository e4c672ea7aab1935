export type SectionId = 'public' | 'my-public' | 'protected' | 'others-protected' | 'private' | 'shared' | 'admin';

/** The places of the file browser, in the order the places list shows them. */
export type PlaceId = 'mine' | 'shared-by-me' | 'from-others' | 'team' | 'public' | 'admin';

const PLACE_TITLES: Record<PlaceId, string> = {
  mine: 'My files',
  'shared-by-me': 'Shared by me',
  'from-others': 'From others',
  team: 'Team',
  public: 'Public',
  // Not just "Admin": the app's header already has an Admin link (the admin page).
  admin: 'Admin files',
};

export interface FileSection {
  id: SectionId;
  /** The place it belongs to; a place holds one section, or two (Shared by me: signed-in people, everyone). */
  place: PlaceId;
  /** The app path that shows it: back/forward and reload keep the place. */
  url: string;
  /** Its name in the places list, under its place when the place holds more than one section. */
  navLabel: string;
  title: string;
  description: string;
  /** The storage prefix, ending in "/" (identity-scoped sections need the identity id). */
  prefix: string;
  canWrite: boolean;
  canDelete: boolean;
  /** How the section's files are named in captions and loading text; "<title> files" otherwise. */
  filesLabel?: string;
  /** Top-level folders not to offer here (the viewer's own protected folder has a section of its own). */
  hiddenFolders?: string[];
  /** What an empty top level says instead of "No files here yet." */
  emptyText?: string;
  /** The top-level folders are people's (identity ids): never shown as such. */
  peopleFolders?: boolean;
}

const WRITERS = ['EDITORS', 'ADMINS'];

/**
 * Which sections a person sees and what they may do there — mirrors
 * amplify/storage/resource.ts, so the UI never offers what IAM will deny.
 */
export function sectionsFor(viewer: { signedIn: boolean; groups: string[]; identityId?: string }): FileSection[] {
  const editor = viewer.groups.some((g) => WRITERS.includes(g));
  const admin = viewer.groups.includes('ADMINS');
  // public/{entity_id}/*: one folder per person, readable by everyone; only its owner
  // writes there; EDITORS and ADMINS may delete any public file.
  const everyonesPublic: FileSection = {
    id: 'public',
    place: 'public',
    url: '/public',
    navLabel: 'Public',
    title: 'Public files',
    description: viewer.signedIn
      ? 'Files people share with everyone, even without an account. Each folder is one person\'s.'
      : 'Files anyone can see, one folder per person. Sign in to share your own.',
    prefix: 'public/',
    canWrite: false,
    canDelete: editor,
    peopleFolders: true,
    emptyText: 'Nobody shares public files yet.',
  };
  if (!viewer.signedIn || !viewer.identityId) return [everyonesPublic];
  // Everyone's public folders, without the viewer's own (it is under Shared by me).
  everyonesPublic.hiddenFolders = [viewer.identityId];
  everyonesPublic.description = "Files people share with everyone, even without an account. Each folder is one person's; yours is under Shared by me.";
  const sections: FileSection[] = [
    {
      id: 'private',
      place: 'mine',
      url: '/',
      navLabel: 'My files',
      title: 'My files',
      description: 'Only you can see these files.',
      prefix: `private/${viewer.identityId}/`,
      canWrite: true,
      canDelete: true,
    },
    {
      id: 'protected',
      place: 'shared-by-me',
      url: '/files/shared-by-me',
      navLabel: 'With signed-in people',
      title: 'Shared with signed-in people',
      description: 'Yours to change; anyone with an account here can read them.',
      prefix: `protected/${viewer.identityId}/`,
      canWrite: true,
      canDelete: true,
    },
    {
      id: 'my-public',
      place: 'shared-by-me',
      url: '/files/shared-by-me/everyone',
      navLabel: 'With everyone',
      title: 'Shared with everyone',
      description: 'Anyone, even without an account, can see these files. Only you can change them.',
      prefix: `public/${viewer.identityId}/`,
      canWrite: true,
      canDelete: true,
    },
    {
      // protected/{entity_id}/* is readable by every signed-in user: one folder per person,
      // named by their identity id. Read-only here; IAM lets only the owner write or delete.
      id: 'others-protected',
      place: 'from-others',
      url: '/files/from-others',
      navLabel: 'From others',
      title: 'From others',
      description: "Files other people share with signed-in people: you can read them but not change them. Each folder is one person's.",
      prefix: 'protected/',
      canWrite: false,
      canDelete: false,
      filesLabel: "Others' shared files",
      hiddenFolders: [viewer.identityId],
      peopleFolders: true,
      emptyText: 'Nobody else shares files with signed-in people yet.',
    },
    {
      id: 'shared',
      place: 'team',
      url: '/files/team',
      navLabel: 'Team',
      title: 'Team files',
      description: editor
        ? 'The team area: you can add and remove files as an editor.'
        : 'The team area: editors add files here; you can read them.',
      prefix: 'shared/',
      canWrite: editor,
      canDelete: editor,
    },
    everyonesPublic,
  ];
  if (admin) {
    sections.push({
      id: 'admin',
      place: 'admin',
      url: '/files/admin',
      navLabel: 'Admin files',
      title: 'Admin files',
      description: 'Only administrators can see these files.',
      prefix: 'admin/',
      canWrite: true,
      canDelete: true,
    });
  }
  return sections;
}

export interface Place {
  id: PlaceId;
  title: string;
  sections: FileSection[];
}

/** The sections grouped into places, in order (only places with a section the viewer may use). */
export function placesOf(sections: FileSection[]): Place[] {
  const places: Place[] = [];
  for (const section of sections) {
    const place = places.find((p) => p.id === section.place);
    if (place) place.sections.push(section);
    else places.push({ id: section.place, title: PLACE_TITLES[section.place], sections: [section] });
  }
  return places;
}

/**
 * The section an app path shows, or undefined when the path is no place of this viewer. '/' is
 * My files, or the first place there is (Public, without a storage identity).
 */
export function sectionAt(sections: FileSection[], path: string): FileSection | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return sections.find((s) => s.url === clean) ?? (clean === '/' ? sections[0] : undefined);
}

/** Whether an app path is one of the file browser's (a place, known to this viewer or not). */
export function isFilesPath(path: string): boolean {
  return path === '/' || path === '/public' || path.startsWith('/files/');
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

export type PreviewKind = 'image' | 'pdf' | 'text' | undefined;

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  avif: 'image/avif',
};
const TEXT_EXTENSIONS = ['txt', 'md', 'csv', 'json', 'log', 'xml', 'yaml', 'yml'];

export function previewKind(name: string): PreviewKind {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext in IMAGE_TYPES) return 'image';
  if (ext === 'pdf') return 'pdf';
  if (TEXT_EXTENSIONS.includes(ext)) return 'text';
  return undefined;
}

/**
 * The Content-Type a preview asks S3 to answer with (response-content-type), whatever the
 * uploader chose: an image as its image type, a PDF as a PDF, anything textual as plain text.
 */
export function previewContentType(name: string): string | undefined {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const kind = previewKind(name);
  if (kind === 'image') return IMAGE_TYPES[ext];
  if (kind === 'pdf') return 'application/pdf';
  if (kind === 'text') return 'text/plain; charset=utf-8';
  return undefined;
}

/**
 * The Content-Disposition a download asks S3 for: `attachment;filename*=UTF-8''…` (RFC 6266 / 8187),
 * so any file name (spaces, quotes, non-ASCII) survives. It also carries no spaces: aws-amplify puts
 * query values in the presigned URL form-style (space → "+"), which S3 reads back as a space but the
 * local cloud currently does not (SignatureDoesNotMatch).
 */
export function attachmentDisposition(name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment;filename*=UTF-8''${encoded}`;
}

/** A folder or file name people can type: no slashes, no "..", not empty. */
export function folderNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a folder name.';
  if (trimmed.includes('/') || trimmed === '.' || trimmed === '..') return 'A folder name cannot contain "/" or be "." or "..".';
  if (trimmed.length > 100) return 'Keep folder names under 100 characters.';
  return undefined;
}

/** Characters that change how a name reads without being seen: bidirectional marks, overrides and isolates, zero-width spaces, controls (not the zero-width joiner, which emoji sequences need). */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * A name from a key as people are shown it, and a download is saved under:
 * each invisible character as a visible "\ufffd". Anyone may name a file as
 * they like (S3 keeps any key), so `invoice\u202efdp.exe` — which reads as
 * "invoiceexe.pdf" — must not pass for a PDF in someone else's file browser.
 */
export function visibleName(name: string): string {
  return name.replace(INVISIBLE, '\ufffd');
}

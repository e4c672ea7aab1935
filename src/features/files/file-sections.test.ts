import { describe, expect, it } from 'vitest';
import { attachmentDisposition, folderNameProblem, formatBytes, isFilesPath, placesOf, previewContentType, previewKind, sectionAt, sectionsFor, visibleName } from './file-sections';

const ID = 'us-east-1:11111111-1111-4111-8111-111111111111';

describe('sectionsFor', () => {
  it('shows guests public files only, read-only', () => {
    expect(sectionsFor({ signedIn: false, groups: [] })).toEqual([
      expect.objectContaining({ id: 'public', prefix: 'public/', canWrite: false, canDelete: false, peopleFolders: true }),
    ]);
  });

  it('gives a signed-in user their own private and protected folders and read-only shared', () => {
    const sections = sectionsFor({ signedIn: true, groups: [], identityId: ID });
    expect(sections.map((s) => s.id)).toEqual(['private', 'protected', 'my-public', 'others-protected', 'shared', 'public']);
    const byId = Object.fromEntries(sections.map((s) => [s.id, s]));
    // Public files: my own folder to write and delete; everyone else's read-only, mine hidden there.
    expect(byId['my-public']).toMatchObject({ prefix: `public/${ID}/`, canWrite: true, canDelete: true });
    expect(byId.public).toMatchObject({ prefix: 'public/', canWrite: false, canDelete: false, hiddenFolders: [ID], peopleFolders: true });
    // No description shows the raw identity id.
    expect(sections.some((s) => s.description.includes(ID) || s.title.includes(ID))).toBe(false);
    expect(byId.private).toMatchObject({ prefix: `private/${ID}/`, canWrite: true, canDelete: true });
    expect(byId.protected).toMatchObject({ prefix: `protected/${ID}/`, canWrite: true });
    expect(byId.shared).toMatchObject({ canWrite: false, canDelete: false });
    // Everyone's protected folders, read-only, without the viewer's own (it has its own section).
    expect(byId['others-protected']).toMatchObject({ prefix: 'protected/', canWrite: false, canDelete: false, hiddenFolders: [ID] });
  });

  it('lets EDITORS write shared/ and ADMINS see admin/', () => {
    const editor = Object.fromEntries(sectionsFor({ signedIn: true, groups: ['EDITORS'], identityId: ID }).map((s) => [s.id, s]));
    expect(editor.shared).toMatchObject({ canWrite: true, canDelete: true });
    expect(editor.public).toMatchObject({ canWrite: false, canDelete: true });
    expect(editor.admin).toBeUndefined();
    const admin = sectionsFor({ signedIn: true, groups: ['ADMINS'], identityId: ID });
    expect(admin.map((s) => s.id)).toContain('admin');
  });

  it('without an identity id shows only public files', () => {
    expect(sectionsFor({ signedIn: true, groups: ['ADMINS'] }).map((s) => s.id)).toEqual(['public']);
  });
});

describe('places', () => {
  it('groups the sections into places, each at an address of its own', () => {
    const sections = sectionsFor({ signedIn: true, groups: ['ADMINS'], identityId: ID });
    expect(placesOf(sections).map((p) => [p.title, p.sections.map((s) => s.url)])).toEqual([
      ['My files', ['/']],
      ['Shared by me', ['/files/shared-by-me', '/files/shared-by-me/everyone']],
      ['From others', ['/files/from-others']],
      ['Team', ['/files/team']],
      ['Public', ['/public']],
      ['Admin files', ['/files/admin']],
    ]);
    expect(placesOf(sectionsFor({ signedIn: false, groups: [] })).map((p) => p.title)).toEqual(['Public']);
  });

  it('finds the section an address shows', () => {
    const sections = sectionsFor({ signedIn: true, groups: [], identityId: ID });
    expect(sectionAt(sections, '/')?.id).toBe('private');
    expect(sectionAt(sections, '/files/team/')?.id).toBe('shared');
    expect(sectionAt(sections, '/files/shared-by-me/everyone')?.id).toBe('my-public');
    expect(sectionAt(sections, '/files/admin')).toBeUndefined();
    expect(sectionAt(sections, '/files/nowhere')).toBeUndefined();
    // Without a storage identity, home is Public.
    expect(sectionAt(sectionsFor({ signedIn: true, groups: [] }), '/')?.id).toBe('public');
    expect([isFilesPath('/'), isFilesPath('/public'), isFilesPath('/files/x'), isFilesPath('/profile')]).toEqual([true, true, true, false]);
  });
});

describe('helpers', () => {
  it('formats sizes, picks previews and checks folder names', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(6 * 1024 * 1024)).toBe('6.0 MiB');
    expect(formatBytes(undefined)).toBe('—');
    expect(previewKind('Cat.PNG')).toBe('image');
    expect(previewKind('report.pdf')).toBe('pdf');
    expect(previewKind('notes.txt')).toBe('text');
    expect(previewKind('archive.zip')).toBeUndefined();
    // Previews ask S3 for the type they need, never the uploader's.
    expect(previewContentType('page.txt')).toBe('text/plain; charset=utf-8');
    expect(previewContentType('Cat.PNG')).toBe('image/png');
    expect(previewContentType('report.pdf')).toBe('application/pdf');
    expect(previewContentType('archive.zip')).toBeUndefined();
    expect(folderNameProblem('ok')).toBeUndefined();
    expect(folderNameProblem('a/b')).toMatch(/cannot contain/);
    expect(folderNameProblem('..')).toMatch(/cannot/);
    expect(folderNameProblem('  ')).toMatch(/Enter/);
  });

  it('asks for downloads under the file name itself, whatever it contains, with no spaces in the value', () => {
    expect(attachmentDisposition('notes.pdf')).toBe("attachment;filename*=UTF-8''notes.pdf");
    expect(attachmentDisposition('my "best" (v2)*.pdf')).toBe("attachment;filename*=UTF-8''my%20%22best%22%20%28v2%29%2A.pdf");
    expect(attachmentDisposition("résumé's.txt")).toBe("attachment;filename*=UTF-8''r%C3%A9sum%C3%A9%27s.txt");
    // Round trip, as a browser decodes the RFC 8187 value.
    const name = 'Ünïcode & spaces; "quotes".png';
    const value = attachmentDisposition(name).split("''")[1];
    expect(value).not.toMatch(/[\s"';]/);
    expect(decodeURIComponent(value)).toBe(name);
  });
});

describe('visibleName', () => {
  it('keeps ordinary names (accents, other scripts, emoji) and makes invisible characters visible', () => {
    expect(visibleName('Résumé 2026 — 東京 📄.pdf')).toBe('Résumé 2026 — 東京 📄.pdf');
    expect(visibleName('invoice\u202efdp.exe')).toBe('invoice\ufffdfdp.exe');
    expect(visibleName('a\u2066b\u2069c\u200bd\ufeffe\u0007f\u200ff')).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdf');
    // The zero-width joiner stays: emoji sequences are made of it.
    expect(visibleName('\u{1F469}\u200d\u{1F4BB}.png')).toBe('\u{1F469}\u200d\u{1F4BB}.png');
  });
});

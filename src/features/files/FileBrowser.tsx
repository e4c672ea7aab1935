import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { getUrl, remove, uploadData } from 'aws-amplify/storage';
import { ErrorMessage, Loading, Notice, errorText } from '../../components/Status';
import { listFolder } from './folder-listing';
import { useOwnerLabels } from './owner-names';
import { attachmentDisposition, folderNameProblem, formatBytes, previewContentType, previewKind, type FileSection } from './file-sections';

interface Entry {
  path: string;
  name: string;
  size?: number;
  lastModified?: Date;
}

interface Listing {
  files: Entry[];
  folders: string[];
  /** False while more pages are on their way. */
  complete: boolean;
}

type Upload = { key: number; name: string; transferred: number; total: number; cancel: () => void };
type SortBy = 'name' | 'size' | 'modified';

/** Rows rendered at once: a folder of 10,000 files shows its first page at once, more on request. */
export const PAGE_SIZE = 100;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function friendlyStorageError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'AccessDenied' || name === 'Forbidden' || /denied|forbidden/i.test(errorText(error))) {
    return 'You do not have permission to do that here.';
  }
  if (/Failed to fetch|NetworkError/i.test(errorText(error))) return 'We could not reach file storage. Check your connection.';
  return errorText(error);
}

/** One storage section: folders, files with size and date, upload with progress, preview, download, delete. */
export function FileBrowser({ section }: { section: FileSection }) {
  const [folder, setFolder] = useState('');
  const [listing, setListing] = useState<Listing | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [overwrite, setOverwrite] = useState<{ files: File[]; existing: string[] } | undefined>();
  const [sortBy, setSortBy] = useState<SortBy>('name');
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE_SIZE);
  const [dragging, setDragging] = useState(false);
  const uploadSeq = useRef(0);
  const cancelled = useRef(new Set<number>());
  const [preview, setPreview] = useState<{ entry: Entry; url: string } | undefined>();
  const [confirmDelete, setConfirmDelete] = useState<string | undefined>();
  const [newFolder, setNewFolder] = useState('');
  const [folderError, setFolderError] = useState<string | undefined>();
  const mounted = useRef(true);
  // Only the newest listing may land: an older folder's answer arriving late is dropped.
  const latestRequest = useRef(0);
  const headingId = useId();
  const fileInputId = useId();
  const folderInputId = useId();
  const base = section.prefix + folder;

  const refresh = useCallback(async () => {
    setError(undefined);
    const request = ++latestRequest.current;
    try {
      // A page at a time: the first rows show after the first page, of as many keys as rows shown (./folder-listing.ts).
      await listFolder(base, (result, done) => {
        if (!mounted.current || request !== latestRequest.current) return false;
        const files = result.items
          .filter((item) => item.path !== base && !item.path.endsWith('/'))
          .map((item) => ({
            path: item.path,
            name: item.path.slice(base.length),
            size: item.size,
            lastModified: item.lastModified,
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
        const folders = result.subpaths
          .map((sub) => sub.slice(base.length).replace(/\/$/, ''))
          .filter((name) => name.length > 0)
          .sort();
        setListing({ files, folders, complete: done });
      }, { firstPage: PAGE_SIZE });
    } catch (e) {
      if (mounted.current && request === latestRequest.current) setError(friendlyStorageError(e));
    }
  }, [base]);

  useEffect(() => {
    mounted.current = true;
    setListing(undefined);
    setPreview(undefined);
    setShown(PAGE_SIZE);
    void refresh();
    return () => {
      mounted.current = false;
    };
  }, [refresh]);

  const uploadOne = async (file: File): Promise<'done' | 'cancelled' | 'failed'> => {
    const key = ++uploadSeq.current;
    const update = (transferred: number, total: number) =>
      setUploads((all) => all.map((u) => (u.key === key ? { ...u, transferred, total } : u)));
    try {
      const operation = uploadData({
        path: base + file.name,
        data: file,
        options: {
          // The uploader's type is kept; previews never trust it (see onPreview).
          contentType: file.type || 'application/octet-stream',
          onProgress: ({ transferredBytes, totalBytes }) => {
            if (mounted.current) update(transferredBytes, totalBytes ?? file.size);
          },
        },
      });
      const cancel = () => {
        cancelled.current.add(key);
        operation.cancel?.();
      };
      setUploads((all) => [...all, { key, name: file.name, transferred: 0, total: file.size, cancel }]);
      await operation.result;
      return 'done';
    } catch (e) {
      if (cancelled.current.has(key)) return 'cancelled';
      if (mounted.current) setError(`Could not upload ${file.name}: ${friendlyStorageError(e)}`);
      return 'failed';
    } finally {
      cancelled.current.delete(key);
      if (mounted.current) setUploads((all) => all.filter((u) => u.key !== key));
    }
  };

  const uploadAll = async (files: File[]) => {
    if (files.length === 0) return;
    const outcomes = await Promise.all(files.map((file) => uploadOne(file)));
    if (!mounted.current) return;
    const done = files.filter((_, i) => outcomes[i] === 'done').map((f) => f.name);
    const stopped = files.filter((_, i) => outcomes[i] === 'cancelled').map((f) => f.name);
    const parts: string[] = [];
    if (done.length) parts.push(done.length === 1 ? `Uploaded ${done[0]}.` : `Uploaded ${done.length} files.`);
    if (stopped.length) parts.push(stopped.length === 1 ? `Cancelled ${stopped[0]}.` : `Cancelled ${stopped.length} uploads.`);
    if (parts.length) setNotice(parts.join(' '));
    await refresh();
  };

  /** Uploads chosen or dropped files, asking first when any would replace a file here. */
  const startUpload = (files: File[]) => {
    setNotice(undefined);
    setError(undefined);
    if (files.length === 0) return;
    const here = new Set(listing?.files.map((f) => f.name));
    const existing = files.filter((f) => here.has(f.name)).map((f) => f.name);
    if (existing.length > 0) {
      setOverwrite({ files, existing });
      return;
    }
    void uploadAll(files);
  };

  const onUpload = (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = Array.from(input.files ?? []);
    input.value = '';
    startUpload(files);
  };

  const answerOverwrite = (answer: 'replace' | 'skip' | 'cancel') => {
    const pending = overwrite;
    setOverwrite(undefined);
    if (!pending || answer === 'cancel') return;
    void uploadAll(answer === 'replace' ? pending.files : pending.files.filter((f) => !pending.existing.includes(f.name)));
  };

  const dropProps = section.canWrite
    ? {
        onDragOver: (e: DragEvent<HTMLElement>) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setDragging(true);
        },
        onDragLeave: (e: DragEvent<HTMLElement>) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        },
        onDrop: (e: DragEvent<HTMLElement>) => {
          e.preventDefault();
          setDragging(false);
          startUpload(Array.from(e.dataTransfer.files));
        },
      }
    : {};

  const onPreview = async (entry: Entry) => {
    try {
      // S3 answers with the type the preview needs, not the uploader's (an .txt sent as text/html
      // still shows as text); text is shown in a sandboxed frame.
      const { url } = await getUrl({ path: entry.path, options: { expiresIn: 900, contentType: previewContentType(entry.name) } });
      if (mounted.current) setPreview({ entry, url: url.toString() });
    } catch (e) {
      setError(friendlyStorageError(e));
    }
  };

  const onDownload = async (entry: Entry) => {
    try {
      const { url } = await getUrl({
        path: entry.path,
        options: { expiresIn: 300, contentDisposition: attachmentDisposition(entry.name) },
      });
      const a = document.createElement('a');
      a.href = url.toString();
      a.download = entry.name;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) {
      setError(friendlyStorageError(e));
    }
  };

  const onDelete = async (entry: Entry) => {
    setConfirmDelete(undefined);
    try {
      await remove({ path: entry.path });
      if (preview?.entry.path === entry.path) setPreview(undefined);
      setNotice(`Deleted ${entry.name}.`);
      await refresh();
    } catch (e) {
      setError(`Could not delete ${entry.name}: ${friendlyStorageError(e)}`);
    }
  };

  const openFolder = () => {
    const problem = folderNameProblem(newFolder);
    setFolderError(problem);
    if (problem) return;
    setFolder(`${folder}${newFolder.trim()}/`);
    setNewFolder('');
  };

  const crumbs = folder.split('/').filter(Boolean);
  const filesLabel = section.filesLabel ?? `${section.title} files`;
  // Hidden at the top level only (e.g. the viewer's own folder among everyone's protected folders).
  const folders = listing?.folders.filter((name) => folder !== '' || !section.hiddenFolders?.includes(name)) ?? [];
  const empty = !!listing && listing.files.length === 0 && folders.length === 0;
  const needle = filter.trim().toLowerCase();
  const matches = (name: string) => !needle || name.toLowerCase().includes(needle);
  const shownFolders = folders.filter((name) => matches(name));
  const sortedFiles = (listing?.files ?? []).filter((f) => matches(f.name)).sort((x, y) => {
    if (sortBy === 'size') return (y.size ?? 0) - (x.size ?? 0) || x.name.localeCompare(y.name);
    if (sortBy === 'modified') return (y.lastModified?.getTime() ?? 0) - (x.lastModified?.getTime() ?? 0) || x.name.localeCompare(y.name);
    return x.name.localeCompare(y.name);
  });
  const visibleFiles = sortedFiles.slice(0, Math.max(0, shown - shownFolders.length));
  const hiddenCount = sortedFiles.length - visibleFiles.length;
  // People's folders are named by identity ids, which nobody should have to read: a neutral
  // name by position instead (the same in the list and, once inside, the breadcrumbs).
  const visibleTop = listing && folder === '' ? folders.join('\n') : undefined;
  const [peopleOrder, setPeopleOrder] = useState<string[]>([]);
  useEffect(() => {
    if (section.peopleFolders && visibleTop !== undefined) setPeopleOrder(visibleTop ? visibleTop.split('\n') : []);
  }, [section.peopleFolders, visibleTop]);
  // Their owner's published name, or "Person N" (./owner-names.ts).
  const ownerLabel = useOwnerLabels(section.peopleFolders ? peopleOrder : []);
  const folderLabel = (name: string, depth: number) => (!section.peopleFolders || depth > 0 ? name : ownerLabel(name));

  return (
    <section className={dragging ? 'card dropping' : 'card'} aria-labelledby={headingId} {...dropProps}>
      <h2 id={headingId}>{section.title}</h2>
      <p className="muted">{section.description}</p>

      {crumbs.length > 0 && (
      <nav aria-label={`${section.title} folders`}>
        <ol className="breadcrumbs">
          <li>
            {crumbs.length === 0 ? (
              <span aria-current="location">{section.title}</span>
            ) : (
              <button type="button" className="link-button" onClick={() => setFolder('')}>
                {section.title}
              </button>
            )}
          </li>
          {crumbs.map((crumb, i) => (
            <li key={i}>
              {i === crumbs.length - 1 ? (
                <span aria-current="location">{folderLabel(crumb, i)}</span>
              ) : (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setFolder(crumbs.slice(0, i + 1).join('/') + '/')}
                >
                  {folderLabel(crumb, i)}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>
      )}

      {error && <ErrorMessage onRetry={() => void refresh()}>{error}</ErrorMessage>}
      {notice && <Notice>{notice}</Notice>}

      {section.canWrite && (
        <div className="actions">
          <div>
            <label htmlFor={fileInputId}>Upload to {section.title.toLowerCase()}{folder ? ` / ${folder.replace(/\/$/, '')}` : ''}</label>
            <input id={fileInputId} type="file" multiple onChange={onUpload} />
            <p className="muted">{dragging ? 'Drop to upload here.' : 'Or drop files anywhere in this box.'}</p>
          </div>
          <div>
            <label htmlFor={folderInputId}>New folder</label>
            <input
              id={folderInputId}
              type="text"
              value={newFolder}
              onChange={(e) => setNewFolder(e.target.value)}
              aria-invalid={folderError ? true : undefined}
              aria-describedby={folderError ? `${folderInputId}-error` : undefined}
            />
            <button type="button" className="secondary" onClick={openFolder}>
              Open folder
            </button>
            {folderError && (
              <p id={`${folderInputId}-error`} className="status status-error">
                {folderError}
              </p>
            )}
          </div>
        </div>
      )}

      {overwrite && (
        <div role="alertdialog" aria-labelledby={`${fileInputId}-overwrite`} className="status status-error">
          <p id={`${fileInputId}-overwrite`}>
            {overwrite.existing.length === 1
              ? `${overwrite.existing[0]} is already here. Replace it?`
              : `${overwrite.existing.length} files are already here (${overwrite.existing.join(', ')}). Replace them?`}
          </p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => answerOverwrite('replace')}>
              Replace
            </button>
            {overwrite.files.length > overwrite.existing.length && (
              <button type="button" className="secondary" onClick={() => answerOverwrite('skip')}>
                Upload only new files
              </button>
            )}
            <button type="button" className="secondary" onClick={() => answerOverwrite('cancel')}>
              Cancel
            </button>
          </div>
        </div>
      )}

      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.key}>
              <label htmlFor={`${fileInputId}-progress-${u.key}`}>Uploading {u.name}</label>
              <progress id={`${fileInputId}-progress-${u.key}`} max={u.total || 1} value={u.transferred} />
              <span className="muted"> {u.total ? Math.floor((u.transferred / u.total) * 100) : 0}%</span>{' '}
              <button type="button" className="link-button" onClick={u.cancel} aria-label={`Cancel upload of ${u.name}`}>
                Cancel
              </button>
            </li>
          ))}
        </ul>
      )}

      {listing && (listing.files.length > 0 || folders.length > 0) && (
        <div className="actions">
          <div>
            <label htmlFor={`${fileInputId}-filter`}>Filter by name</label>
            <input id={`${fileInputId}-filter`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </div>
          <div>
            <label htmlFor={`${fileInputId}-sort`}>Sort by</label>
            <select id={`${fileInputId}-sort`} value={sortBy} onChange={(e) => setSortBy(e.target.value as SortBy)}>
              <option value="name">Name</option>
              <option value="size">Largest first</option>
              <option value="modified">Newest first</option>
            </select>
          </div>
        </div>
      )}

      {!listing && !error && <Loading label={`Loading ${filesLabel.toLowerCase()}…`} />}
      {empty && (
        <p className="muted">
          {folder === '' && section.emptyText ? section.emptyText : 'No files here yet.'}
          {section.canWrite ? ' Upload one above.' : ''}
        </p>
      )}
      {listing && !empty && (
        <div className="table-wrap">
          <table>
            <caption className="muted" style={{ textAlign: 'left' }}>
              {filesLabel}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col" className="optional">
                  Modified
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {shownFolders.map((name) => (
                <tr key={`folder:${name}`}>
                  <td className="name">
                    <button type="button" className="link-button" onClick={() => setFolder(`${folder}${name}/`)}>
                      📁 {folderLabel(name, crumbs.length)}
                    </button>
                  </td>
                  <td>Folder</td>
                  <td className="optional" />
                  <td />
                </tr>
              ))}
              {visibleFiles.map((entry) => (
                <tr key={entry.path}>
                  <td className="name">{entry.name}</td>
                  <td>{formatBytes(entry.size)}</td>
                  <td className="optional">{entry.lastModified ? dateFormat.format(entry.lastModified) : '—'}</td>
                  <td>
                    <div className="actions" style={{ marginTop: 0 }}>
                      {previewKind(entry.name) && (
                        <button type="button" className="secondary" onClick={() => void onPreview(entry)} aria-label={`Preview ${entry.name}`}>
                          Preview
                        </button>
                      )}
                      <button type="button" className="secondary" onClick={() => void onDownload(entry)} aria-label={`Download ${entry.name}`}>
                        Download
                      </button>
                      {section.canDelete &&
                        (confirmDelete === entry.path ? (
                          <>
                            <button type="button" className="danger" onClick={() => void onDelete(entry)} aria-label={`Confirm delete ${entry.name}`}>
                              Confirm delete
                            </button>
                            <button type="button" className="secondary" onClick={() => setConfirmDelete(undefined)}>
                              Cancel
                            </button>
                          </>
                        ) : (
                          <button type="button" className="secondary" onClick={() => setConfirmDelete(entry.path)} aria-label={`Delete ${entry.name}`}>
                            Delete
                          </button>
                        ))}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {!listing.complete && (
            <p className="muted" role="status">
              Loading more… {listing.files.length.toLocaleString()} files so far.
            </p>
          )}
          {hiddenCount > 0 && (
            <p className="actions">
              <span className="muted">
                Showing {visibleFiles.length + shownFolders.length} of {sortedFiles.length + shownFolders.length}.
              </span>{' '}
              <button type="button" className="secondary" onClick={() => setShown((n) => n + PAGE_SIZE)}>
                Show more
              </button>
            </p>
          )}
        </div>
      )}

      {preview && (
        <figure className="preview">
          {previewKind(preview.entry.name) === 'image' ? (
            <img src={preview.url} alt={`Preview of ${preview.entry.name}`} />
          ) : previewKind(preview.entry.name) === 'text' ? (
            <iframe src={preview.url} title={`Preview of ${preview.entry.name}`} sandbox="" />
          ) : (
            // Chromium refuses to render a PDF in a sandboxed frame; this one is served as
            // application/pdf whatever the uploader chose, so it cannot be a document that scripts.
            <iframe src={preview.url} title={`Preview of ${preview.entry.name}`} />
          )}
          <figcaption>
            {preview.entry.name}{' '}
            <button type="button" className="link-button" onClick={() => setPreview(undefined)}>
              Close preview
            </button>
          </figcaption>
        </figure>
      )}
    </section>
  );
}

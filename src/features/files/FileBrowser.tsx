import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { getUrl, list, remove, uploadData } from 'aws-amplify/storage';
import { ErrorMessage, Loading, Notice, errorText } from '../../components/Status';
import { attachmentDisposition, folderNameProblem, formatBytes, previewKind, type FileSection } from './file-sections';

interface Entry {
  path: string;
  name: string;
  size?: number;
  lastModified?: Date;
}

interface Listing {
  files: Entry[];
  folders: string[];
}

type Upload = { name: string; transferred: number; total: number };

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
  const [upload, setUpload] = useState<Upload | undefined>();
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
      const result = await list({ path: base, options: { listAll: true, subpathStrategy: { strategy: 'exclude' } } });
      if (!mounted.current || request !== latestRequest.current) return;
      const files = result.items
        .filter((item) => item.path !== base && !item.path.endsWith('/'))
        .map((item) => ({
          path: item.path,
          name: item.path.slice(base.length),
          size: item.size,
          lastModified: item.lastModified,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const folders = (result.excludedSubpaths ?? [])
        .map((sub) => sub.slice(base.length).replace(/\/$/, ''))
        .filter((name) => name.length > 0)
        .sort();
      setListing({ files, folders });
    } catch (e) {
      if (mounted.current && request === latestRequest.current) setError(friendlyStorageError(e));
    }
  }, [base]);

  useEffect(() => {
    mounted.current = true;
    setListing(undefined);
    setPreview(undefined);
    void refresh();
    return () => {
      mounted.current = false;
    };
  }, [refresh]);

  const onUpload = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = Array.from(input.files ?? []);
    input.value = '';
    setNotice(undefined);
    setError(undefined);
    for (const file of files) {
      setUpload({ name: file.name, transferred: 0, total: file.size });
      try {
        await uploadData({
          path: base + file.name,
          data: file,
          options: {
            contentType: file.type || 'application/octet-stream',
            onProgress: ({ transferredBytes, totalBytes }) => {
              if (mounted.current) {
                setUpload({ name: file.name, transferred: transferredBytes, total: totalBytes ?? file.size });
              }
            },
          },
        }).result;
        if (mounted.current) setNotice(`Uploaded ${file.name}.`);
      } catch (e) {
        if (mounted.current) setError(`Could not upload ${file.name}: ${friendlyStorageError(e)}`);
      }
    }
    if (mounted.current) setUpload(undefined);
    await refresh();
  };

  const onPreview = async (entry: Entry) => {
    try {
      const { url } = await getUrl({ path: entry.path, options: { expiresIn: 900 } });
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
  // People's folders are named by identity ids, which nobody should have to read: a neutral
  // name by position instead (the same in the list and, once inside, the breadcrumbs).
  const visibleTop = listing && folder === '' ? folders.join('\n') : undefined;
  const [peopleOrder, setPeopleOrder] = useState<string[]>([]);
  useEffect(() => {
    if (section.peopleFolders && visibleTop !== undefined) setPeopleOrder(visibleTop ? visibleTop.split('\n') : []);
  }, [section.peopleFolders, visibleTop]);
  const folderLabel = (name: string, depth: number) => {
    if (!section.peopleFolders || depth > 0) return name;
    const index = peopleOrder.indexOf(name);
    return index >= 0 ? `Person ${index + 1}` : 'A person';
  };

  return (
    <section className="card" aria-labelledby={headingId}>
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
            <input id={fileInputId} type="file" multiple onChange={(e) => void onUpload(e)} disabled={!!upload} />
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

      {upload && (
        <div>
          <label htmlFor={`${fileInputId}-progress`}>Uploading {upload.name}</label>
          <progress id={`${fileInputId}-progress`} max={upload.total || 1} value={upload.transferred} />
          <span className="muted"> {upload.total ? Math.floor((upload.transferred / upload.total) * 100) : 0}%</span>
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
              {folders.map((name) => (
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
              {listing.files.map((entry) => (
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
        </div>
      )}

      {preview && (
        <figure className="preview">
          {previewKind(preview.entry.name) === 'image' ? (
            <img src={preview.url} alt={`Preview of ${preview.entry.name}`} />
          ) : (
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

import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent, type DragEvent, type KeyboardEvent } from 'react';
import { getUrl, uploadData } from 'aws-amplify/storage';
import { useActionStatus } from '../../components/action-status';
import { focusTargetInRow, RowActions } from '../../components/RowActions';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { MEDIUM_QUERY, useNarrowScreen } from '../../components/useNarrowScreen';
import { listFolder } from './folder-listing';
import { useOwnerLabels } from './owner-names';
import { attachmentDisposition, folderNameProblem, formatBytes, previewContentType, previewKind, visibleName, type FileSection } from './file-sections';
import {
  createFolder,
  deleteObjects,
  describeFailures,
  friendlyStorageError,
  moveObjects,
  objectsUnder,
  type Progress,
  type StoredObject,
} from './storage-ops';

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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const isFolderKey = (key: string) => key.endsWith('/');
const baseName = (key: string) => key.replace(/\/$/, '').split('/').pop() ?? key;

/** Every folder of a place (its top included), from the keys under it and its folder objects. */
function foldersOf(objects: StoredObject[], prefix: string): string[] {
  const prefixes = new Set<string>([prefix]);
  for (const o of objects) {
    const parts = o.path.slice(prefix.length).split('/');
    for (let i = 1; i < parts.length; i++) prefixes.add(prefix + parts.slice(0, i).join('/') + '/');
  }
  return [...prefixes].sort();
}

/** A long operation under way (rename, move, delete), with its progress. */
interface Busy {
  label: string;
  progress?: Progress;
}

/** What the confirmation asks about: deleting these rows (files and folders), holding this many files. */
interface ConfirmDelete {
  keys: string[];
  files: number;
  /** Where focus returns on cancel. */
  returnTo?: HTMLElement | null;
}

/** One storage section (a place): folders, files, upload, preview, download, and folder and bulk operations. */
export function FileBrowser({ section }: { section: FileSection }) {
  // The folder shown is kept in the history entry (not the address: people's folders are named by
  // identity ids), so back and forward move between folders too and a reload stays in the folder.
  const folderInHistory = useCallback(() => {
    const state = window.history.state as { filesPlace?: string; folder?: string } | null;
    return state?.filesPlace === section.id && typeof state.folder === 'string' ? state.folder : '';
  }, [section.id]);
  const [folder, showFolder] = useState(folderInHistory);
  const setFolder = (next: string) => {
    if (next === folder) return;
    showFolder(next);
    window.history.pushState({ filesPlace: section.id, folder: next }, '', window.location.href);
  };
  useEffect(() => {
    const onPop = () => showFolder(folderInHistory());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [folderInHistory]);
  const [listing, setListing] = useState<Listing | undefined>();
  // A listing that failed (with a retry), apart from what an action reports.
  const [loadError, setLoadError] = useState<string | undefined>();
  // What the latest action reported; cleared when the next one starts, here or elsewhere on the page.
  const status = useActionStatus();
  const narrow = useNarrowScreen();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [overwrite, setOverwrite] = useState<{ files: File[]; existing: string[] } | undefined>();
  const [sortBy, setSortBy] = useState<SortBy>('name');
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE_SIZE);
  const [dragging, setDragging] = useState(false);
  const uploadSeq = useRef(0);
  const cancelled = useRef(new Set<number>());
  const [preview, setPreview] = useState<{ entry: Entry; url: string } | undefined>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<ConfirmDelete | undefined>();
  const [busy, setBusy] = useState<Busy | undefined>();
  const [renaming, setRenaming] = useState<{ key: string; value: string; problem?: string } | undefined>();
  const [moveTo, setMoveTo] = useState('');
  const [newFolder, setNewFolder] = useState('');
  const [folderError, setFolderError] = useState<string | undefined>();
  const mounted = useRef(true);
  // Only the newest listing may land: an older folder's answer arriving late is dropped.
  const latestRequest = useRef(0);
  const headingId = useId();
  const fileInputId = useId();
  const folderInputId = useId();
  const noticeRef = useRef<HTMLDivElement>(null);
  const moveSelectRef = useRef<HTMLSelectElement>(null);
  const base = section.prefix + folder;

  const refresh = useCallback(async () => {
    setLoadError(undefined);
    const request = ++latestRequest.current;
    try {
      // A page at a time: the first rows show after a first, short page (./folder-listing.ts).
      await listFolder(base, (result, done) => {
        if (!mounted.current || request !== latestRequest.current) return false;
        const files = result.items
          .filter((item) => item.path !== base && !item.path.endsWith('/'))
          .map((item) => ({
            path: item.path,
            // Shown, and saved on download, with invisible characters made visible (the path stays the key).
            name: visibleName(item.path.slice(base.length)),
            size: item.size,
            lastModified: item.lastModified,
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
        const folders = result.subpaths
          .map((sub) => sub.slice(base.length).replace(/\/$/, ''))
          .filter((name) => name.length > 0)
          .sort();
        setListing({ files, folders, complete: done });
      });
    } catch (e) {
      if (mounted.current && request === latestRequest.current) setLoadError(friendlyStorageError(e));
    }
  }, [base]);

  useEffect(() => {
    mounted.current = true;
    setListing(undefined);
    setPreview(undefined);
    setShown(PAGE_SIZE);
    setSelected(new Set());
    setConfirm(undefined);
    setRenaming(undefined);
    void refresh();
    return () => {
      mounted.current = false;
    };
  }, [refresh]);

  /** Every object of the place, for what a single folder's listing cannot tell (move targets, counts). */
  const hiddenFolders = section.hiddenFolders?.join('/') ?? '';
  // Everything in the place, listed page by page in the background once the folder shown has
  // landed (so it never delays the first rows): the storage used, and the folders to move to.
  const [index, setIndex] = useState<StoredObject[] | 'failed' | undefined>();
  const placeObjects = useCallback(async (): Promise<StoredObject[]> => {
    const all = await objectsUnder(section.prefix);
    const hidden = hiddenFolders ? hiddenFolders.split('/').map((name) => `${section.prefix}${name}/`) : [];
    return all.filter((o) => !hidden.some((h) => o.path.startsWith(h)));
  }, [section.prefix, hiddenFolders]);
  const reindex = useCallback(async () => {
    try {
      const all = await placeObjects();
      if (mounted.current) setIndex(all);
    } catch {
      if (mounted.current) setIndex('failed');
    }
  }, [placeObjects]);
  const listed = listing !== undefined;
  const indexed = index !== undefined;
  useEffect(() => {
    if (listed && !indexed) void reindex();
  }, [listed, indexed, reindex]);
  /** After a change: the folder shown again, and the place's totals. */
  const afterChange = async () => {
    await refresh();
    void reindex();
  };

  /** Announces the outcome of an operation and moves focus to it (the row acted on may be gone). */
  const announce = (text: string | undefined, failure?: string) => {
    status.report(text, failure);
    requestAnimationFrame(() => noticeRef.current?.focus());
  };

  const startAction = status.start;

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
      if (mounted.current) status.fail(`Could not upload ${file.name}: ${friendlyStorageError(e)}`);
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
    if (parts.length) status.succeed(parts.join(' '));
    await afterChange();
  };

  /** Uploads chosen or dropped files, asking first when any would replace a file here. */
  const startUpload = (files: File[]) => {
    startAction();
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
    document.getElementById(fileInputId)?.focus();
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
    startAction();
    try {
      // S3 answers with the type the preview needs, not the uploader's (an .txt sent as text/html
      // still shows as text); text is shown in a sandboxed frame.
      const { url } = await getUrl({ path: entry.path, options: { expiresIn: 900, contentType: previewContentType(entry.name) } });
      if (mounted.current) setPreview({ entry, url: url.toString() });
    } catch (e) {
      status.fail(friendlyStorageError(e));
    }
  };

  /**
   * Downloads through a presigned URL that answers as an attachment. The URL is another origin (S3),
   * so a link's `download` does not apply: following it is a navigation, and a second one would
   * cancel the first. Several at once therefore go each through a hidden frame of its own.
   */
  const download = async (entry: Entry, inFrame = false) => {
    const { url } = await getUrl({
      path: entry.path,
      options: { expiresIn: 300, contentDisposition: attachmentDisposition(entry.name) },
    });
    if (inFrame) {
      const frame = document.createElement('iframe');
      frame.hidden = true;
      frame.title = `Download of ${entry.name}`;
      frame.src = url.toString();
      document.body.append(frame);
      setTimeout(() => frame.remove(), 60_000);
      return;
    }
    const a = document.createElement('a');
    a.href = url.toString();
    a.download = entry.name;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  };

  const onDownload = async (entry: Entry) => {
    startAction();
    try {
      await download(entry);
    } catch (e) {
      status.fail(friendlyStorageError(e));
    }
  };

  /** Asks before deleting rows; folders are counted first, so the question names how many files go. */
  const askDelete = async (keys: string[], returnTo?: HTMLElement | null) => {
    startAction();
    let files = keys.filter((k) => !isFolderKey(k)).length;
    if (keys.some(isFolderKey)) {
      try {
        const all = await objectsUnder(base);
        files += all.filter((o) => !isFolderKey(o.path) && keys.some((k) => isFolderKey(k) && o.path.startsWith(k))).length;
      } catch (e) {
        status.fail(`Could not count the files to delete: ${friendlyStorageError(e)}`);
        return;
      }
    }
    if (mounted.current) setConfirm({ keys, files, returnTo });
  };

  const cancelDelete = () => {
    const returnTo = confirm?.returnTo;
    setConfirm(undefined);
    requestAnimationFrame(() => returnTo?.focus());
  };

  const onConfirmDelete = async () => {
    const pending = confirm;
    setConfirm(undefined);
    if (!pending) return;
    startAction();
    setBusy({ label: 'Deleting' });
    try {
      let paths = pending.keys.filter((k) => !isFolderKey(k));
      const folders = pending.keys.filter(isFolderKey);
      if (folders.length) {
        const all = await objectsUnder(base);
        paths = [...paths, ...all.map((o) => o.path).filter((p) => folders.some((f) => p.startsWith(f)))];
      }
      const failures = await deleteObjects(paths, (done) => mounted.current && setBusy({ label: 'Deleting', progress: { step: 'delete', done, total: paths.length } }));
      if (!mounted.current) return;
      const deletedFiles = paths.filter((p) => !isFolderKey(p) && !failures.some((f) => f.path === p)).length;
      const what =
        pending.keys.length === 1 && !isFolderKey(pending.keys[0])
          ? baseName(pending.keys[0])
          : pending.keys.length === 1
            ? `${baseName(pending.keys[0])} and ${plural(deletedFiles, 'file')} in it`
            : plural(deletedFiles, 'file');
      if (preview && paths.includes(preview.entry.path)) setPreview(undefined);
      setSelected(new Set());
      const fileFailures = failures.filter((f) => !isFolderKey(f.path));
      announce(
        fileFailures.length === 0 ? `Deleted ${what}.` : deletedFiles > 0 ? `Deleted ${plural(deletedFiles, 'file')}.` : undefined,
        fileFailures.length ? `Could not delete ${describeFailures(fileFailures, (p) => p.slice(base.length))}.` : undefined,
      );
    } catch (e) {
      announce(undefined, `Could not delete: ${friendlyStorageError(e)}`);
    } finally {
      if (mounted.current) setBusy(undefined);
    }
    await afterChange();
  };

  /**
   * Moves rows (files and folders) into `target` (a prefix of this place), renaming on the way
   * when `newName` is given (a rename is a move to the same folder under another name).
   */
  const moveRows = async (keys: string[], target: string, label: string, newName?: string) => {
    startAction();
    setBusy({ label });
    try {
      const all = await placeObjects();
      const moves: { from: string; to: string }[] = [];
      const clashes: string[] = [];
      for (const key of keys) {
        const name = newName ?? baseName(key);
        const dest = target + name + (isFolderKey(key) ? '/' : '');
        if (dest === key) continue;
        // Never onto something there already (a file or a folder of that name): copies would replace it.
        const taken = target + name;
        if (all.some((o) => o.path === taken || o.path.startsWith(`${taken}/`))) {
          clashes.push(name);
          continue;
        }
        if (isFolderKey(key)) {
          for (const o of all.filter((o) => o.path.startsWith(key))) moves.push({ from: o.path, to: dest + o.path.slice(key.length) });
        } else moves.push({ from: key, to: dest });
      }
      if (clashes.length) {
        announce(undefined, `${clashes.join(', ')} ${clashes.length === 1 ? 'is' : 'are'} already there. Nothing was moved.`);
        return;
      }
      if (moves.length === 0) {
        announce('Nothing to move: it is already there.');
        return;
      }
      const outcome = await moveObjects(moves, (progress) => mounted.current && setBusy({ label, progress }));
      if (!mounted.current) return;
      setSelected(new Set());
      const files = moves.filter((m) => !isFolderKey(m.from)).length;
      if (outcome.copyFailure) {
        announce(
          undefined,
          `Could not copy ${outcome.copyFailure.path.slice(section.prefix.length)}: ${outcome.copyFailure.reason} Nothing was moved; every file is still where it was.`,
        );
      } else if (outcome.deleteFailures.length) {
        announce(
          `${label === 'Renaming' ? 'Renamed' : 'Moved'} ${plural(files, 'file')}.`,
          `These were copied but could not be removed from where they were, so they are now in both places: ${describeFailures(outcome.deleteFailures, (p) => p.slice(section.prefix.length))}.`,
        );
      } else {
        const where = target === section.prefix ? section.title : baseName(target);
        announce(
          newName !== undefined
            ? `Renamed ${baseName(keys[0])} to ${newName}${isFolderKey(keys[0]) ? ` (${plural(files, 'file')})` : ''}.`
            : `Moved ${keys.length === 1 ? baseName(keys[0]) : plural(keys.length, 'item')} to ${where}.`,
        );
      }
    } catch (e) {
      announce(undefined, `Could not move: ${friendlyStorageError(e)} Nothing was moved.`);
    } finally {
      if (mounted.current) setBusy(undefined);
    }
    await afterChange();
  };

  const submitRename = async () => {
    if (!renaming) return;
    const value = renaming.value.trim();
    const problem = folderNameProblem(value)?.replace('folder name', 'name');
    if (problem) {
      setRenaming({ ...renaming, problem });
      return;
    }
    const key = renaming.key;
    setRenaming(undefined);
    if (value === baseName(key)) return;
    await moveRows([key], base, 'Renaming', value);
  };

  const onCreateFolder = async () => {
    startAction();
    const problem = folderNameProblem(newFolder);
    setFolderError(problem);
    if (problem) return;
    const name = newFolder.trim();
    if (listing?.folders.includes(name) || listing?.files.some((f) => f.name === name)) {
      setFolderError(`${name} is already here.`);
      return;
    }
    try {
      await createFolder(`${base}${name}/`);
      setNewFolder('');
      announce(`Created the folder ${name}.`);
    } catch (e) {
      status.fail(`Could not create ${name}: ${friendlyStorageError(e)}`);
    }
    await afterChange();
  };


  const toggle = (key: string, on: boolean) =>
    setSelected((now) => {
      const next = new Set(now);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });

  const crumbs = folder.split('/').filter(Boolean);
  const filesLabel = section.filesLabel ?? section.title;
  // Hidden at the top level only (e.g. the viewer's own folder among everyone's protected folders).
  const folders = listing?.folders.filter((name) => folder !== '' || !section.hiddenFolders?.includes(name)) ?? [];
  const empty = !!listing && listing.files.length === 0 && folders.length === 0;
  const needle = filter.trim().toLowerCase();
  const matches = (name: string) => !needle || name.toLowerCase().includes(needle);
  // People's folders are named by identity ids, which nobody should have to read: a neutral
  // name by position instead (the same in the list and, once inside, the breadcrumbs).
  const visibleTop = listing && folder === '' ? folders.join('\n') : undefined;
  const [peopleOrder, setPeopleOrder] = useState<string[]>([]);
  useEffect(() => {
    if (section.peopleFolders && visibleTop !== undefined) setPeopleOrder(visibleTop ? visibleTop.split('\n') : []);
  }, [section.peopleFolders, visibleTop]);
  // Their owner's published name, or "Person N" (./owner-names.ts).
  const ownerLabel = useOwnerLabels(section.peopleFolders ? peopleOrder : []);
  const folderLabel = (name: string, depth: number) => (!section.peopleFolders || depth > 0 ? visibleName(name) : ownerLabel(name));
  // Filtered and ordered by what people read: at the top of people's folders, the owner's label, not the id.
  const shownFolders = folders
    .map((name) => ({ name, label: folderLabel(name, crumbs.length) }))
    .filter(({ label }) => matches(label))
    .sort((x, y) => (section.peopleFolders && folder === '' ? x.label.localeCompare(y.label, undefined, { numeric: true }) : 0))
    .map(({ name }) => name);
  const sortedFiles = (listing?.files ?? []).filter((f) => matches(f.name)).sort((x, y) => {
    if (sortBy === 'size') return (y.size ?? 0) - (x.size ?? 0) || x.name.localeCompare(y.name);
    if (sortBy === 'modified') return (y.lastModified?.getTime() ?? 0) - (x.lastModified?.getTime() ?? 0) || x.name.localeCompare(y.name);
    return x.name.localeCompare(y.name);
  });
  const visibleFiles = sortedFiles.slice(0, Math.max(0, shown - shownFolders.length));
  const hiddenCount = sortedFiles.length - visibleFiles.length;

  // Rows that can be selected: those shown. Selection drives download, move and delete.
  const visibleKeys = [...shownFolders.map((name) => `${base}${name}/`), ...visibleFiles.map((f) => f.path)];
  const selectedKeys = visibleKeys.filter((k) => selected.has(k));
  const allSelected = visibleKeys.length > 0 && selectedKeys.length === visibleKeys.length;
  const selectedFiles = visibleFiles.filter((f) => selected.has(f.path));
  const selectedFolders = selectedKeys.filter(isFolderKey);
  const canMove = section.canWrite && section.canDelete && !(section.peopleFolders && folder === '');
  const targetLabel = (prefix: string) => (prefix === section.prefix ? `${section.title} (top)` : prefix.slice(section.prefix.length).replace(/\/$/, ''));
  // A folder cannot go into itself or below it; the folder the rows are in is no move either.
  const moveTargets = Array.isArray(index) ? foldersOf(index, section.prefix) : undefined;
  const targetsFor = (keys: string[]) =>
    (moveTargets ?? []).filter((t) => t !== base && !keys.some((k) => isFolderKey(k) && t.startsWith(k)));
  const usage = Array.isArray(index) ? index.filter((o) => !isFolderKey(o.path)) : undefined;

  const downloadSelected = async () => {
    startAction();
    const failures: string[] = [];
    for (const entry of selectedFiles) {
      try {
        await download(entry, true);
      } catch (e) {
        failures.push(`${entry.name} (${friendlyStorageError(e)})`);
      }
    }
    const skipped = selectedFolders.length ? ` Folders are not downloaded: open one to download its files.` : '';
    announce(
      selectedFiles.length > failures.length ? `Downloading ${plural(selectedFiles.length - failures.length, 'file')}.${skipped}` : skipped.trim() || undefined,
      failures.length ? `Could not download ${failures.join('; ')}.` : undefined,
    );
  };

  const openMove = (key: string) => {
    startAction();
    setSelected(new Set([key]));
    requestAnimationFrame(() => moveSelectRef.current?.focus());
  };

  const onRenameKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape') {
      const key = renaming?.key;
      setRenaming(undefined);
      if (key) focusRename(key);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void submitRename();
    }
  };

  const rowActions = (key: string, name: string, label: string, entry?: Entry) => (
    <RowActions
      label={label}
      menuBelow={MEDIUM_QUERY}
      actions={[
        ...(entry && previewKind(entry.name) ? [{ id: 'preview', label: 'Preview', name: `Preview ${name}`, onSelect: () => void onPreview(entry) }] : []),
        ...(entry ? [{ id: 'download', label: 'Download', name: `Download ${name}`, onSelect: () => void onDownload(entry) }] : []),
        ...(canMove
          ? [
              {
                id: 'rename',
                label: 'Rename',
                name: `Rename ${label}`,
                onSelect: () => {
                  startAction();
                  setRenaming({ key, value: baseName(key) });
                },
              },
              { id: 'move', label: 'Move', name: `Move ${label}`, onSelect: () => openMove(key) },
            ]
          : []),
        ...(section.canDelete ? [{ id: 'delete', label: 'Delete', name: `Delete ${label}`, onSelect: (opener: HTMLElement) => void askDelete([key], opener) }] : []),
      ]}
    />
  );
  /** Back to a row's Rename (on a phone, its Actions button) after renaming is cancelled. */
  const focusRename = (key: string) =>
    requestAnimationFrame(() => focusTargetInRow(document.querySelector(`tr[data-key="${CSS.escape(key)}"]`), 'rename')?.focus());

  const renameForm = (key: string) =>
    renaming?.key === key && (
      <span className="rename">
        <label htmlFor={`${headingId}-rename`} className="visually-hidden">
          New name for {baseName(key)}
        </label>
        <input
          id={`${headingId}-rename`}
          type="text"
          autoFocus
          value={renaming.value}
          onChange={(e) => setRenaming({ key, value: e.target.value })}
          onKeyDown={onRenameKey}
          aria-invalid={renaming.problem ? true : undefined}
          aria-describedby={renaming.problem ? `${headingId}-rename-error` : undefined}
        />
        <button type="button" onClick={() => void submitRename()}>
          Save name
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setRenaming(undefined);
            focusRename(key);
          }}
        >
          Cancel
        </button>
        {renaming.problem && (
          <span id={`${headingId}-rename-error`} className="status status-error">
            {renaming.problem}
          </span>
        )}
      </span>
    );

  const confirmText = (c: ConfirmDelete) => {
    const folderCount = c.keys.filter(isFolderKey).length;
    if (c.keys.length === 1) {
      const name = baseName(c.keys[0]);
      return folderCount ? `Delete the folder ${name} and the ${plural(c.files, 'file')} in it?` : `Delete ${name}?`;
    }
    return `Delete ${plural(c.keys.length, 'selected item')}${folderCount ? ` (${plural(c.files, 'file')} in all, folders included)` : ''}?`;
  };

  return (
    <section className={dragging ? 'card dropping' : 'card'} aria-labelledby={headingId} {...dropProps}>
      <h1 id={headingId}>{section.title}</h1>
      <p className="muted">{section.description}</p>
      <p className="muted usage" aria-live="polite">
        {usage
          ? `Storage used in this place: ${plural(usage.length, 'file')} · ${formatBytes(usage.reduce((sum, o) => sum + (o.size ?? 0), 0))}`
          : index === 'failed'
            ? 'The storage used here could not be counted.'
            : listing
              ? 'Counting the storage used…'
              : ''}
      </p>

      {crumbs.length > 0 && (
        <nav aria-label={`${section.title} folders`}>
          <ol className="breadcrumbs">
            <li>
              <button type="button" className="link-button" onClick={() => setFolder('')}>
                {section.title}
              </button>
            </li>
            {crumbs.map((crumb, i) => (
              <li key={i}>
                {i === crumbs.length - 1 ? (
                  <span aria-current="location">{folderLabel(crumb, i)}</span>
                ) : (
                  <button type="button" className="link-button" onClick={() => setFolder(crumbs.slice(0, i + 1).join('/') + '/')}>
                    {folderLabel(crumb, i)}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
      )}

      <div ref={noticeRef} tabIndex={-1} className="outcome">
        {loadError && <ErrorMessage onRetry={() => void refresh()}>{loadError}</ErrorMessage>}
        {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
        {status.notice && <Notice>{status.notice}</Notice>}
      </div>

      {section.canWrite && (
        <div className="actions">
          <div>
            <label htmlFor={fileInputId}>Upload files{folder ? ` to ${folder.replace(/\/$/, '')}` : ''}</label>
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
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void onCreateFolder();
                }
              }}
              aria-invalid={folderError ? true : undefined}
              aria-describedby={folderError ? `${folderInputId}-error` : undefined}
            />
            <button type="button" className="secondary" onClick={() => void onCreateFolder()}>
              Create folder
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

      {busy && (
        <div role="status" className="status status-loading">
          <label htmlFor={`${headingId}-busy`}>
            {busy.label}
            {busy.progress
              ? busy.progress.step === 'copy'
                ? `: copied ${busy.progress.done} of ${plural(busy.progress.total, 'file')}`
                : `: removed ${busy.progress.done} of ${plural(busy.progress.total, 'file')}`
              : '…'}
          </label>{' '}
          <progress id={`${headingId}-busy`} max={busy.progress?.total || 1} value={busy.progress?.done ?? 0} />
        </div>
      )}

      {confirm && (
        <div role="alertdialog" aria-labelledby={`${headingId}-confirm`} className="status status-error">
          <p id={`${headingId}-confirm`}>{confirmText(confirm)}</p>
          <div className="actions">
            <button type="button" className="danger" autoFocus onClick={() => void onConfirmDelete()}>
              {confirm.keys.some(isFolderKey) ? `Delete ${plural(confirm.files, 'file')}` : 'Delete'}
            </button>
            <button type="button" className="secondary" onClick={cancelDelete}>
              Cancel
            </button>
          </div>
        </div>
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

      {selectedKeys.length > 0 && (
        <div className="actions bulk" role="group" aria-label="Selected items">
          <span>{plural(selectedKeys.length, 'selected item')}</span>
          {selectedFiles.length > 0 && (
            <button type="button" className="secondary" onClick={() => void downloadSelected()}>
              Download selected
            </button>
          )}
          {canMove && (
            <span className="move">
              <label htmlFor={`${headingId}-move`}>Move to</label>{' '}
              <select id={`${headingId}-move`} ref={moveSelectRef} value={moveTo} onChange={(e) => setMoveTo(e.target.value)}>
                <option value="">{moveTargets ? 'Choose a folder' : index === 'failed' ? 'Could not list the folders' : 'Loading folders…'}</option>
                {targetsFor(selectedKeys).map((t) => (
                  <option key={t} value={t}>
                    {targetLabel(t)}
                  </option>
                ))}
              </select>{' '}
              <button
                type="button"
                className="secondary"
                disabled={!moveTo || !!busy}
                onClick={() => {
                  const target = moveTo;
                  setMoveTo('');
                  void moveRows(selectedKeys, target, 'Moving');
                }}
              >
                Move
              </button>
            </span>
          )}
          {section.canDelete && (
            <button type="button" className="secondary" onClick={(e) => void askDelete(selectedKeys, e.currentTarget)}>
              Delete selected
            </button>
          )}
          <button type="button" className="link-button" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}

      {!listing && !loadError && <Loading label={`Loading ${filesLabel.toLowerCase()}…`} />}
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
              {folder ? ` / ${crumbs.map((c, i) => folderLabel(c, i)).join(' / ')}` : ''}:{' '}
              {plural(listing.files.length, 'file')} · {formatBytes(listing.files.reduce((sum, f) => sum + (f.size ?? 0), 0))}
              {folders.length ? ` · ${plural(folders.length, 'folder')}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col" className="select">
                  <input
                    type="checkbox"
                    aria-label="Select all shown"
                    checked={allSelected}
                    onChange={(e) => setSelected(e.target.checked ? new Set(visibleKeys) : new Set())}
                  />
                </th>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                {!narrow && <th scope="col">Modified</th>}
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {shownFolders.map((name) => {
                const key = `${base}${name}/`;
                const label = folderLabel(name, crumbs.length);
                return (
                  <tr key={`folder:${name}`} data-key={key}>
                    <td className="select">
                      <input type="checkbox" aria-label={`Select folder ${label}`} checked={selected.has(key)} onChange={(e) => toggle(key, e.target.checked)} />
                    </td>
                    <td className="name">
                      {renameForm(key) || (
                        <button type="button" className="link-button" onClick={() => setFolder(`${folder}${name}/`)}>
                          <span aria-hidden="true">📁</span> {label}
                        </button>
                      )}
                    </td>
                    <td>Folder</td>
                    {!narrow && <td />}
                    <td>{(canMove || section.canDelete) && rowActions(key, name, `folder ${label}`)}</td>
                  </tr>
                );
              })}
              {visibleFiles.map((entry) => (
                <tr key={entry.path} data-key={entry.path}>
                  <td className="select">
                    <input
                      type="checkbox"
                      aria-label={`Select ${entry.name}`}
                      checked={selected.has(entry.path)}
                      onChange={(e) => toggle(entry.path, e.target.checked)}
                    />
                  </td>
                  <td className="name">
                    {renameForm(entry.path) || (
                      <>
                        {previewKind(entry.name) === 'image' && <Thumbnail path={entry.path} name={entry.name} />}
                        {entry.name}
                      </>
                    )}
                  </td>
                  {/* On a phone the date goes under the size: nothing is left out. */}
                  <td>
                    <span className="size">{formatBytes(entry.size)}</span>
                    {narrow && entry.lastModified && <div className="muted">{dateFormat.format(entry.lastModified)}</div>}
                  </td>
                  {!narrow && <td>{entry.lastModified ? dateFormat.format(entry.lastModified) : '—'}</td>}
                  <td>{rowActions(entry.path, entry.name, entry.name, entry)}</td>
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

/**
 * A small image of an image file, from a presigned URL that makes S3 answer with the image type
 * (never the uploader's: an <img> never runs what it loads, SVG included). Only rows on screen
 * have one, and the browser fetches it when it scrolls into view (loading="lazy").
 */
function Thumbnail({ path, name }: { path: string; name: string }) {
  const [src, setSrc] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    (async () => {
      const { url } = await getUrl({ path, options: { expiresIn: 900, contentType: previewContentType(name) } });
      if (live) setSrc(url.toString());
    })().catch(() => undefined); // no thumbnail: the name is still there
    return () => {
      live = false;
    };
  }, [path, name]);
  return src ? <img className="thumb" src={src} alt="" loading="lazy" decoding="async" width={32} height={32} /> : <span className="thumb" aria-hidden="true" />;
}

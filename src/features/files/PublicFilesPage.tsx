import { FileBrowser } from './FileBrowser';
import { sectionsFor } from './file-sections';

/** What a guest (identity-pool unauthenticated role) can browse. */
export default function PublicFilesPage() {
  return (
    <>
      <h1>Public files</h1>
      {sectionsFor({ signedIn: false, groups: [] }).map((section) => (
        <FileBrowser key={section.id} section={section} />
      ))}
    </>
  );
}

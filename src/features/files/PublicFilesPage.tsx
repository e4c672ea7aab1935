import { FileBrowser } from './FileBrowser';
import { sectionsFor } from './file-sections';

/** What a guest (identity-pool unauthenticated role) can browse: the one place, Public. */
export default function PublicFilesPage() {
  const [section] = sectionsFor({ signedIn: false, groups: [] });
  return <FileBrowser section={section} />;
}

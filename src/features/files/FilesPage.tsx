import { useUser } from '../../hooks/useUser';
import { FileBrowser } from './FileBrowser';
import { sectionsFor } from './file-sections';

/** Every storage section the signed-in person may use. */
export default function FilesPage() {
  const user = useUser();
  const sections = sectionsFor({ signedIn: true, groups: user.groups, identityId: user.identityId });
  return (
    <>
      <h1>Your files</h1>
      {!user.identityId && (
        <p role="alert" className="status status-error">
          Your storage identity is not ready, so only public files are shown. Try signing out and in again.
        </p>
      )}
      {sections.map((section) => (
        <FileBrowser key={section.id} section={section} />
      ))}
    </>
  );
}

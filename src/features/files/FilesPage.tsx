import { useUser } from '../../hooks/useUser';
import { Link, usePath } from '../../router';
import { FileBrowser } from './FileBrowser';
import { placesOf, sectionAt, sectionsFor, type FileSection } from './file-sections';

/** The list of places; each links to its section's path. */
function Places({ sections, current }: { sections: FileSection[]; current?: FileSection }) {
  const link = (section: FileSection, label: string) => (
    <Link to={section.url} aria-current={section === current ? 'page' : undefined}>
      {label}
    </Link>
  );
  return (
    <nav aria-label="Places" className="places">
      <ul>
        {placesOf(sections).map((place) =>
          place.sections.length === 1 ? (
            <li key={place.id}>{link(place.sections[0], place.title)}</li>
          ) : (
            <li key={place.id}>
              <span className="place-group" id={`place-${place.id}`}>
                {place.title}
              </span>
              <ul aria-labelledby={`place-${place.id}`}>
                {place.sections.map((section) => (
                  <li key={section.id}>{link(section, section.navLabel)}</li>
                ))}
              </ul>
            </li>
          ),
        )}
      </ul>
    </nav>
  );
}

/** One file browser: the places the signed-in person may use, and the one the address names. */
export default function FilesPage() {
  const user = useUser();
  const path = usePath();
  const sections = sectionsFor({ signedIn: true, groups: user.groups, identityId: user.identityId });
  const current = sectionAt(sections, path);
  return (
    <div className="files-layout">
      <Places sections={sections} current={current} />
      <div className="place">
        {!user.identityId && (
          <p role="alert" className="status status-error">
            Your storage identity is not ready, so only public files are shown. Try signing out and in again.
          </p>
        )}
        {current ? (
          <FileBrowser key={current.id} section={current} />
        ) : (
          <section aria-labelledby="no-place-title">
            <h1 id="no-place-title">No such place</h1>
            <p>
              {path === '/files/admin'
                ? 'The admin files are for members of the ADMINS group.'
                : 'There are no files at this address.'}{' '}
              Choose a place from the list, or <Link to={sections[0].url}>go to {sections[0].title.toLowerCase()}</Link>.
            </p>
          </section>
        )}
      </div>
    </div>
  );
}

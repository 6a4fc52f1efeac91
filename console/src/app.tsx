/**
 * The shell: sign-in with the admin token, the portal picker, the navigation between panels,
 * messages, and live refresh. Panels (panels/) only draw their part of the page.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, admin, storedToken, storeToken, whenUnauthorized } from './api';
import { useChanges } from './live';
import { PANELS } from './panels/index';
import { route, useRoute } from './route';
import { describe, Notices } from './ui/notices';

const PORTAL_KEY = 'b24-console-portal';

interface PortalInfo {
  name: string;
}

/** A sign-in link (`#token=...`, printed at start-up) signs in and leaves the token out of the address. */
function takeTokenFromAddress(): void {
  const match = /^#token=([^&]*)/.exec(location.hash);
  if (!match) return;
  storeToken(decodeURIComponent(match[1] as string));
  history.replaceState(null, '', `${location.pathname}${route(PANELS[0]?.id ?? '')}`);
}

export function App() {
  takeTokenFromAddress();
  const [token, setToken] = useState(storedToken);
  const [refusal, setRefusal] = useState<string | undefined>();
  useEffect(() => {
    whenUnauthorized(() => {
      storeToken(null);
      setToken(null);
      setRefusal('The admin token was refused. Sign in again.');
    });
  }, []);
  if (token === null) {
    return (
      <SignIn
        refusal={refusal}
        onSignedIn={(given) => {
          storeToken(given);
          setRefusal(undefined);
          setToken(given);
        }}
      />
    );
  }
  return (
    <Shell
      onSignOut={() => {
        storeToken(null);
        setToken(null);
      }}
    />
  );
}

function SignIn(props: { refusal?: string; onSignedIn: (token: string) => void }) {
  const [given, setGiven] = useState('');
  const [error, setError] = useState(props.refusal);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      // Any admin route tells whether the token is right; the portals are needed next anyway.
      await admin('portals', { token: given.trim() });
      props.onSignedIn(given.trim());
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'The admin token was refused.'
          : `Could not sign in: ${describe(failure)}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>b24-booking console</h1>
      <form onSubmit={submit}>
        <label class="field">
          <span>Admin token</span>
          <input
            type="password"
            autocomplete="current-password"
            required
            value={given}
            onInput={(e) => setGiven(e.currentTarget.value)}
          />
          <small>
            Printed by <code>b24-booking serve</code> at start-up (or given with <code>--admin-token</code>).
          </small>
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function Shell(props: { onSignOut: () => void }) {
  const current = useRoute();
  const [portals, setPortals] = useState<string[]>([]);
  const [portal, setPortal] = useState(() => sessionStorage.getItem(PORTAL_KEY) ?? 'default');
  const changes = useChanges(portal);
  // Grows when a panel made or removed a portal (admin changes are not in the live refresh).
  const [portalEdits, setPortalEdits] = useState(0);
  const portalsChanged = () => setPortalEdits((n) => n + 1);
  const pickPortal = (name: string) => {
    portalsChanged();
    setPortal(name);
  };
  useEffect(() => {
    admin<{ portals: PortalInfo[] }>('portals')
      .then(({ portals: list }) => {
        const names = list.map((p) => p.name);
        setPortals(names);
        if (!names.includes(portal)) setPortal('default');
      })
      .catch(() => setPortals(['default']));
  }, [changes, portalEdits]);
  useEffect(() => sessionStorage.setItem(PORTAL_KEY, portal), [portal]);
  const panel = PANELS.find((p) => p.id === current.panel) ?? PANELS[0];
  useEffect(() => {
    document.title = `${panel?.title ?? 'Console'} · ${portal} · b24-booking`;
  }, [panel, portal]);
  return (
    <div class="shell">
      <header>
        <strong class="brand">b24-booking console</strong>
        <nav aria-label="Panels">
          <ul>
            {PANELS.map((p) => (
              <li key={p.id}>
                <a href={route(p.id)} aria-current={p === panel ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <label class="portal-picker">
          <span>Portal</span>
          <select value={portal} onChange={(e) => setPortal(e.currentTarget.value)}>
            {(portals.length ? portals : [portal]).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      <Notices />
      <main>
        {panel && current.panel !== '' && current.panel !== panel.id ? (
          <p role="status">There is no panel “{current.panel}” yet.</p>
        ) : null}
        {panel ? (
          <panel.view
            key={`${panel.id}:${portal}`}
            portal={portal}
            args={current.args}
            changes={changes}
            pickPortal={pickPortal}
            portalsChanged={portalsChanged}
          />
        ) : null}
      </main>
    </div>
  );
}

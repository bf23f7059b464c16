import { StudioApp } from './app.js';
import { checkWorkspaceName, ConfigError, overdrive } from './engine.js';
import { checkPolicyHeader, framedByAnotherOrigin, refuseFramedStudio, showHeaderNotice } from './host-protection.js';
import { StudioSession } from './session.js';
import './styles/studio.css';
import './styles/teach.css';
import './styles/data.css';

declare global {
  interface Window {
    /** The public API, for the console and for browser tests. */
    overdrive: typeof overdrive;
    studio?: StudioApp;
    /** The Studio's workspace session: start sweeps from the console (or a test) and see them here. */
    studioSession?: StudioSession;
  }
}
window.overdrive = overdrive;

if (framedByAnotherOrigin()) {
  // Before any storage is opened: a site framing the Studio gets nothing to steer or read.
  refuseFramedStudio();
  throw new Error('Overdrive refuses to run inside a frame of another origin');
}
const root = document.getElementById('app');
if (root === null) throw new Error('index.html lacks #app');
void checkPolicyHeader().then((check) => showHeaderNotice(check));
const workspace = workspaceFromUrl(root);
if (workspace !== null) {
  const session = await StudioSession.open(workspace, (message) => {
    const banner = document.createElement('p');
    banner.className = 'banner error';
    banner.setAttribute('role', 'alert');
    banner.dataset['testid'] = 'closed-banner';
    banner.textContent = message;
    document.body.prepend(banner);
  });
  window.studioSession = session;
  window.studio = new StudioApp(root, session);
  await window.studio.start();
}

/**
 * The workspace the address names (`?workspace=`, default `overdrive`), checked before any
 * database is opened so that a refused name creates nothing; a refused one is shown in place of
 * the Studio, with the parameter, the rule and the value, and null comes back.
 */
function workspaceFromUrl(root: HTMLElement): string | null {
  const requested = new URLSearchParams(location.search).get('workspace');
  if (requested === null) return 'overdrive';
  try {
    return checkWorkspaceName(requested, '?workspace=');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const alert = document.createElement('p');
    alert.className = 'banner error';
    alert.setAttribute('role', 'alert');
    alert.dataset['testid'] = 'workspace-error';
    alert.textContent = `This address names a workspace Overdrive cannot open. ${error.message}. Remove ?workspace= from the address to open the default workspace, or give another name.`;
    root.replaceChildren(alert);
    return null;
  }
}

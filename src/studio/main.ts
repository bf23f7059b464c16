import { StudioApp } from './app.js';
import { overdrive } from './engine.js';
import { checkPolicyHeader, framedByAnotherOrigin, refuseFramedStudio, showHeaderNotice } from './host-protection.js';
import { StudioSession } from './session.js';
import './styles/studio.css';
import './styles/teach.css';

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
const workspace = new URLSearchParams(location.search).get('workspace') ?? 'overdrive';
const root = document.getElementById('app');
if (root === null) throw new Error('index.html lacks #app');
void checkPolicyHeader().then((check) => showHeaderNotice(check));
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

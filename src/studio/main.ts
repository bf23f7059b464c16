import { StudioApp } from './app.js';
import { overdrive } from './engine.js';
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

const workspace = new URLSearchParams(location.search).get('workspace') ?? 'overdrive';
const root = document.getElementById('app');
if (root === null) throw new Error('index.html lacks #app');
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

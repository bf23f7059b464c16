/**
 * Protection that holds on any static host (issue 13, item 3). With the security headers
 * (README, "Security"), `frame-ancestors` keeps other sites from framing the Studio; a host
 * that sends none leaves only the <meta> policy, which cannot say that. So the Studio checks
 * itself: framed by another origin it does not start, and it tells the person when its own
 * response carried no Content-Security-Policy header.
 */

/** Whether any page above this one is of another origin (clickjacking, or a site reading the Studio's UI). */
export function framedByAnotherOrigin(win: Window = window): boolean {
  if (win.top === win.self) return false;
  // Chromium and Safari list every ancestor's origin; elsewhere, reading top's origin throws across origins.
  const ancestors = win.location.ancestorOrigins as DOMStringList | undefined;
  if (ancestors !== undefined) {
    for (let i = 0; i < ancestors.length; i++) if (ancestors.item(i) !== win.location.origin) return true;
    return false;
  }
  try {
    return win.top?.location.origin !== win.location.origin;
  } catch {
    return true;
  }
}

/** Replaces the page with a short explanation and a way out; nothing of the Studio starts. */
export function refuseFramedStudio(doc: Document = document): void {
  const box = doc.createElement('main');
  box.className = 'framed-refusal';
  box.dataset['testid'] = 'framed-refusal';
  const title = doc.createElement('h1');
  title.textContent = 'Overdrive does not run inside another site';
  const text = doc.createElement('p');
  text.textContent =
    'This page was loaded in a frame of another website, which could read or steer what you do here. Open it in its own tab instead.';
  const link = doc.createElement('a');
  link.href = doc.location.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.textContent = 'Open Overdrive in a new tab';
  box.append(title, text, link);
  doc.body.replaceChildren(box);
}

export type HeaderCheck =
  | { readonly kind: 'header'; readonly frameAncestors: boolean }
  | { readonly kind: 'no-header' }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * Whether the Studio's own page came with a Content-Security-Policy header. Asks for the page
 * again, past every cache, and reads the header: the browser exposes no other way to learn which
 * policy came from the response and which from the <meta>.
 */
export async function checkPolicyHeader(href: string = location.href): Promise<HeaderCheck> {
  const url = new URL(href);
  url.hash = '';
  try {
    const response = await fetch(url.href, { cache: 'no-store', credentials: 'same-origin', redirect: 'follow' });
    const header = response.headers.get('content-security-policy');
    if (header === null || header.trim() === '') return { kind: 'no-header' };
    return { kind: 'header', frameAncestors: /(^|;)\s*frame-ancestors\s/i.test(header) };
  } catch (error) {
    return { kind: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A calm notice at the top of the Studio when the host sends no policy header. */
export function showHeaderNotice(check: HeaderCheck, doc: Document = document): HTMLElement | null {
  if (check.kind !== 'no-header') return null;
  const notice = doc.createElement('p');
  notice.className = 'banner notice';
  notice.setAttribute('role', 'status');
  notice.dataset['testid'] = 'csp-header-notice';
  notice.textContent =
    'This site is served without security headers. Overdrive still protects your data: training code runs in a sandbox, ' +
    'links never run code, and the Studio will not run inside another site. Whoever hosts it can add the headers for an ' +
    'extra layer (see “Security” in the README: the _headers file or the nginx snippet in the build).';
  const dismiss = doc.createElement('button');
  dismiss.type = 'button';
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => notice.remove());
  notice.append(' ', dismiss);
  doc.body.prepend(notice);
  return notice;
}

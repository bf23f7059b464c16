/**
 * What a sandboxed worker may ask the page to fetch for it: files of the app's own origin (the
 * bundled WebAssembly, the shipped data sets, training modules the site serves) and modules the
 * person picked from disk (blob: URLs this page made). Anything else is refused, so the sandbox
 * cannot use the page as a proxy to another host or to a `data:` script.
 */
export type AssetVerdict =
  | { readonly kind: 'allowed'; readonly url: string }
  | { readonly kind: 'refused'; readonly message: string };

export function assetVerdict(requested: string, pageHref: string): AssetVerdict {
  const page = new URL(pageHref);
  let url: URL;
  try {
    url = new URL(requested, page);
  } catch {
    return { kind: 'refused', message: `the sandbox asked for ${JSON.stringify(requested)}, which is not a URL` };
  }
  if (url.protocol === 'blob:') {
    let inner: string | null = null;
    try {
      inner = new URL(url.pathname).origin;
    } catch {
      inner = null;
    }
    return inner === page.origin
      ? { kind: 'allowed', url: url.href }
      : { kind: 'refused', message: `the sandbox may load only blob: URLs this page made; refused ${url.href}` };
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === page.origin) {
    return { kind: 'allowed', url: url.href };
  }
  return {
    kind: 'refused',
    message: `the sandbox may load only this site's files (${page.origin}) and modules picked from disk; refused ${url.href}`,
  };
}

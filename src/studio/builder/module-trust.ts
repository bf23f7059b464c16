/**
 * Links carry definitions, never code (issue 13, item 2). A training module named by a share
 * link or an imported spec is somebody else's code: it runs only after the person has seen its
 * full URL and origin and said yes, and never when it is a `data:` or `blob:` URL or lives on
 * another origin. Modules the person types or picks from disk are theirs and need no question.
 */
export type LinkedModuleVerdict =
  | { readonly kind: 'confirm'; readonly url: string; readonly origin: string }
  | { readonly kind: 'refused'; readonly message: string };

export function linkedModuleVerdict(value: string, pageHref: string): LinkedModuleVerdict {
  const page = new URL(pageHref);
  const shown = JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value);
  const rule = `a training module from a link or an imported spec must be a file of this site (${page.origin})`;
  let url: URL;
  try {
    url = new URL(value, page);
  } catch {
    return { kind: 'refused', message: `trial.module: ${rule}; ${shown} is not a URL` };
  }
  if (url.protocol === 'data:') {
    return { kind: 'refused', message: `trial.module: ${rule}; data: URLs are refused (got ${shown})` };
  }
  if (url.protocol === 'blob:') {
    return {
      kind: 'refused',
      message: `trial.module: ${rule}; blob: URLs are refused: pick the file yourself instead (got ${shown})`,
    };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== page.origin) {
    return {
      kind: 'refused',
      message: `trial.module: ${rule}; modules from other origins (${url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol}) are refused (got ${shown})`,
    };
  }
  return { kind: 'confirm', url: url.href, origin: url.origin };
}

const HTML = /^\s*(?:text\/html|application\/xhtml\+xml)\b/i;

/** Whether a Content-Type names an HTML page. */
export function isHtmlType(contentType: string | null): boolean {
  return contentType !== null && HTML.test(contentType);
}

/**
 * Whether a response is a static host's HTML page standing in for a file that is not HTML: a
 * single-page-app host answers every unknown path with its index page and status 200.
 */
export function htmlInsteadOf(url: string, contentType: string | null): boolean {
  if (!isHtmlType(contentType)) return false;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  // An HTML file, or a folder (which a host answers with its index page), may well be HTML.
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last !== '' && !/\.(?:html?|xhtml)$/i.test(last);
}

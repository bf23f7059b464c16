import { CONTENT_SECURITY_POLICY_HEADER } from './content-security-policy.js';

/**
 * The security headers every response of the built app should carry, as the build writes them
 * for common static hosts (README, "Security"). The app keeps its promises without them (the
 * trial sandbox, links that carry no code, the frame guard); the headers add `frame-ancestors`,
 * which a <meta> policy cannot express, and make workers' policy explicit.
 */
export const SECURITY_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY_HEADER],
  ['X-Content-Type-Options', 'nosniff'],
  // For browsers without frame-ancestors; SAMEORIGIN, since the Studio frames its own sandbox.
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['Referrer-Policy', 'no-referrer'],
];

/** `_headers` for Netlify and Cloudflare Pages: every path gets the headers. */
export function netlifyHeadersFile(): string {
  return [
    '# Security headers for Overdrive on Netlify or Cloudflare Pages (see README, "Security").',
    '/*',
    ...SECURITY_HEADERS.map(([name, value]) => `  ${name}: ${value}`),
    '',
  ].join('\n');
}

/** An nginx snippet to `include` in the server block that serves the build. */
export function nginxHeadersSnippet(): string {
  return [
    '# Security headers for Overdrive (see README, "Security"). Include this file in the `server`',
    '# (or `location`) block that serves the build; nginx drops inherited add_header lines in any',
    '# block that has its own, so include it there too. Serve .wasm as application/wasm.',
    ...SECURITY_HEADERS.map(([name, value]) => `add_header ${name} "${value.replaceAll('"', '\\"')}" always;`),
    '',
  ].join('\n');
}

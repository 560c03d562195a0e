/**
 * The local IdP's HTML: the sign-in page standing in for the Hosted UI's password form (a list
 * of demo users), its error pages, and the headers every page goes out with. Markup apart from
 * the OAuth logic, so escaping has one place.
 */
import type { ServerResponse } from 'node:http';
import type { DemoUser } from './demo-data.ts';

export function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action *",
  });
  res.end(body);
}

/** The authorize request's parameters ride along as hidden fields; each user is a submit button. */
export function signInPage(params: URLSearchParams, users: readonly DemoUser[]): string {
  const hidden = [...params.entries()]
    .filter(([name]) => name !== 'email')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const items = users
    .map(
      (u) =>
        `<li><button type="submit" name="email" value="${escapeHtml(u.email)}">${escapeHtml(u.email)}</button> <span>${u.enrolledIn.length ? `enrolled in ${escapeHtml(u.enrolledIn.join(', '))}` : 'enrolled in nothing'}</span></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · local IdP</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:10vh auto;padding:0 1rem;color:#1d2330}ul{list-style:none;padding:0}li{margin:.5rem 0}button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #2456d6;background:#2456d6;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}span{color:#5a6478;font-size:.9em}</style></head>
<body><main><h1>Sign in</h1><p>Local identity provider (stands in for the Cognito Hosted UI). Choose a demo user; no password.</p>
<form method="post" action="/oauth2/authorize">${hidden}<ul>${items}</ul></form></main></body></html>`;
}

/** The sign-in page again, with an alert: the posted email is no user's. */
export function unknownUserPage(params: URLSearchParams, users: readonly DemoUser[]): string {
  return signInPage(params, users).replace('<h1>Sign in</h1>', '<h1>Sign in</h1><p role="alert">Unknown user.</p>');
}

/** Shown instead of redirecting when the client or redirect_uri of an authorize request is wrong. */
export function signInErrorPage(message: string): string {
  return `<!doctype html><title>Sign-in error</title><p>${escapeHtml(message)}</p>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

import { DEMO_USERS } from './demo-users';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The embedded issuer's sign-in form (no scripts; the demo users are listed because they are public). */
export function loginPage(uid: string, error?: string): string {
  const users = DEMO_USERS.map(
    (u) => `<li><code>${escape(u.username)}</code> — ${escape(u.roles.join(', ') || 'no role')} (${escape(u.tenants.join(', ') || 'all tenants')})</li>`,
  ).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to Atrium (development)</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.75rem 0 .25rem}
input{width:100%;padding:.5rem;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}.error{color:#b00020}small,li{color:#555}</style></head>
<body><h1>Sign in to Atrium</h1><p><small>Embedded development issuer. Passwords are <code>&lt;username&gt;-pass</code>.</small></p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/realms/atrium/login/${escape(uid)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form><details><summary>Demo users</summary><ul>${users}</ul></details></body></html>`;
}

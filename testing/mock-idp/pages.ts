// The HTML the mock shows: the sign-in page (with the tenant's accounts as hints) and
// error pages.
import type { ServerResponse } from "node:http";
import type { Ctx } from "./state";
import type { MockIdpTenant } from "./tenants";

export function sendLoginPage(ctx: Ctx, params: URLSearchParams, shown: { error?: string; userName?: string }): void {
  const hidden = [...params].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join("\n      ");
  const error = shown.error ? `<p role="alert" class="error">${escapeHtml(shown.error)}</p>` : "";
  const tenantLabel = ctx.tenant.projectName ? `${ctx.tenant.projectName} (${ctx.tenant.tenantId})` : ctx.tenant.tenantId;
  const body = `<h1>KooGallery mock sign-in</h1>
    <p>Tenant: ${escapeHtml(tenantLabel)}</p>
    ${error}
    <form method="post" action="${escapeHtml(ctx.url.pathname)}">
      ${hidden}
      <p><label for="userName">Account</label><br><input id="userName" name="userName" type="text" autocomplete="username" required autofocus
        value="${escapeHtml(shown.userName ?? "")}"></p>
      <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p>
      <p><button type="submit">Sign in</button></p>
    </form>
    <section aria-labelledby="hints"><h2 id="hints">Accounts of this tenant</h2>${userHints(ctx.tenant)}</section>`;
  sendPage(ctx.res, 200, "KooGallery mock sign-in", body);
}

/** Passwords are never shown, only whether one is needed. */
function userHints(tenant: MockIdpTenant): string {
  if (tenant.users.length === 0) return "<p>No accounts are configured.</p>";
  const items = tenant.users.map((u) => {
    const password = u.password === undefined ? "any password" : "password required";
    const about = `${escapeHtml(u.role)}, organization ${escapeHtml(u.orgCode)}; ${password}`;
    return `<li><code>${escapeHtml(u.userName)}</code> — ${escapeHtml(u.name)} (${about})</li>`;
  });
  return `<ul>${items.join("")}</ul>`;
}

export function sendErrorPage(res: ServerResponse, status: number, error: string, description: string): void {
  sendPage(res, status, `KooGallery mock: ${error}`, `<h1>${escapeHtml(error)}</h1><p>${escapeHtml(description)}</p>`);
}

export function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>
    body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
    .error{color:#a00000;font-weight:600}
    input{font-size:1rem;padding:.3rem}
  </style>
</head>
<body>
  <main>
    ${body}
  </main>
</body>
</html>
`;
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    // No form-action: browsers apply it to the redirect after sign-in, which goes to the app.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  });
  res.end(html);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../../src/dashboard/escape-html.js";
import { dashboardPage, messagePage } from "../../../src/dashboard/pages.js";

const XSS = `"><script>alert('x')</script>&`;

describe("pages", () => {
  it("escapes the five HTML metacharacters", () => {
    expect(escapeHtml(XSS)).toBe("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;");
  });

  it("escapes the viewer's login, orgs and csrf token in the shell and embeds no inline script", () => {
    const html = dashboardPage({
      viewer: { login: XSS, via: "session", orgs: [XSS], csrf: XSS },
      assetVersion: "v1",
    });
    expect(html).not.toContain("<script>alert");
    expect(html).toContain(`<meta name="mayfly-csrf" content="&quot;&gt;&lt;script&gt;`);
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/dashboard/assets/dashboard.js?v=v1" defer>',
    ]);
    expect(html).not.toMatch(/<style|style="/);
  });

  it("escapes message page text", () => {
    const html = messagePage({
      title: XSS,
      text: XSS,
      assetVersion: "v1",
      action: { href: "/dashboard/login", label: "Sign in" },
    });
    expect(html).not.toContain("<script>");
    expect(html).toContain('href="/dashboard/login"');
  });
});

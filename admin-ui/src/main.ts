/** Boots the admin app: loads the session, draws the frame, renders the screen for the hash. */
import { ApiError, api, onSessionLost } from "./api";
import { h, replaceChildren } from "./dom";
import { currentRoute, href, match, navigate } from "./router";
import type { Role } from "./api-types";
import { clearSession, currentUser, loadSession, membershipFor, roleAtLeast } from "./session";
import { refusal } from "./ui";
import { acceptView, accountView, loginView } from "./views/auth";
import { auditView as platformAuditView } from "./platform/audit";
import { healthView } from "./platform/health";
import { tenantDetailView, tenantsView } from "./platform/tenants";
import { usageView } from "./platform/usage";
import { usersView } from "./platform/users";
import { apiKeysView } from "./tenant/api-keys";
import { tenantAuditView } from "./tenant/audit";
import { callDetailView, callsView } from "./tenant/calls";
import { callerDetailView, callersView } from "./tenant/callers";
import { keysView } from "./tenant/keys";
import { leadDetailView, leadsView } from "./tenant/leads";
import { settingsView } from "./tenant/settings";
import { smsView } from "./tenant/sms";
import { teamView } from "./tenant/team";
import type { ViewContext } from "./view";
import "./styles.css";

type Access = "public" | "user" | "platform" | "tenant";

interface RouteDef {
  pattern: string;
  access: Access;
  view: (ctx: ViewContext) => Promise<HTMLElement> | HTMLElement;
}

const ROUTES: RouteDef[] = [
  { pattern: "/login", access: "public", view: loginView },
  { pattern: "/accept", access: "public", view: acceptView },
  { pattern: "/account", access: "user", view: accountView },
  { pattern: "/platform/tenants", access: "platform", view: tenantsView },
  { pattern: "/platform/tenants/:tenantId", access: "platform", view: tenantDetailView },
  { pattern: "/platform/usage", access: "platform", view: usageView },
  { pattern: "/platform/users", access: "platform", view: usersView },
  { pattern: "/platform/health", access: "platform", view: healthView },
  { pattern: "/platform/audit", access: "platform", view: platformAuditView },
  { pattern: "/t/:tenantId/settings", access: "tenant", view: settingsView },
  { pattern: "/t/:tenantId/calls", access: "tenant", view: callsView },
  { pattern: "/t/:tenantId/calls/:callSid", access: "tenant", view: callDetailView },
  { pattern: "/t/:tenantId/callers", access: "tenant", view: callersView },
  { pattern: "/t/:tenantId/callers/:phone", access: "tenant", view: callerDetailView },
  { pattern: "/t/:tenantId/leads", access: "tenant", view: leadsView },
  { pattern: "/t/:tenantId/leads/:leadId", access: "tenant", view: leadDetailView },
  { pattern: "/t/:tenantId/team", access: "tenant", view: teamView },
  { pattern: "/t/:tenantId/api-keys", access: "tenant", view: apiKeysView },
  { pattern: "/t/:tenantId/sms", access: "tenant", view: smsView },
  { pattern: "/t/:tenantId/keys", access: "tenant", view: keysView },
  { pattern: "/t/:tenantId/audit", access: "tenant", view: tenantAuditView },
];

// `min`: the lowest role that may open the screen (docs/PERMISSIONS.md); others do not see the link.
const TENANT_NAV: { path: string; label: string; min: Role }[] = [
  { path: "settings", label: "Agent settings", min: "staff" },
  { path: "calls", label: "Call log", min: "staff" },
  { path: "callers", label: "Callers", min: "staff" },
  { path: "leads", label: "Leads", min: "staff" },
  { path: "team", label: "Team", min: "admin" },
  { path: "api-keys", label: "API keys", min: "admin" },
  { path: "sms", label: "SMS recipients", min: "staff" },
  { path: "keys", label: "Own provider keys", min: "admin" },
  { path: "audit", label: "Activity log", min: "admin" },
];

const PLATFORM_NAV: { path: string; label: string }[] = [
  { path: "/platform/tenants", label: "Tenants" },
  { path: "/platform/users", label: "People" },
  { path: "/platform/usage", label: "Usage" },
  { path: "/platform/health", label: "System health" },
  { path: "/platform/audit", label: "Audit log" },
];

const root = document.getElementById("app");

function startPath(): string {
  const me = currentUser();
  if (!me) return "/login";
  if (me.user.isPlatformAdmin) return "/platform/tenants";
  const first = me.memberships[0];
  return first ? `/t/${encodeURIComponent(first.tenantId)}/settings` : "/account";
}

function navLink(path: string, label: string, active: boolean): HTMLElement {
  return h("li", {}, h("a", { href: href(path), "aria-current": active ? "page" : null }, label));
}

function frame(path: string, tenantId: string | null, content: HTMLElement): HTMLElement {
  const me = currentUser();
  if (!me) return h("main", { id: "main", class: "main-solo" }, content);
  const sections: HTMLElement[] = [];
  if (me.user.isPlatformAdmin) {
    sections.push(
      h("h2", { class: "nav-heading" }, "Platform"),
      h(
        "ul",
        {},
        PLATFORM_NAV.map((n) => navLink(n.path, n.label, path.startsWith(n.path))),
      ),
    );
  }
  const membership = tenantId ? membershipFor(tenantId) : null;
  const tenantForNav = tenantId ?? me.memberships[0]?.tenantId ?? null;
  if (tenantForNav && (membership || me.user.isPlatformAdmin || !tenantId)) {
    const name =
      membershipFor(tenantForNav)?.businessName ?? (tenantId ? "Support view" : "Your business");
    sections.push(
      h("h2", { class: "nav-heading" }, name),
      h(
        "ul",
        {},
        TENANT_NAV.filter(
          (n) => !membershipFor(tenantForNav) || roleAtLeast(tenantForNav, n.min),
        ).map((n) => {
          const p = `/t/${encodeURIComponent(tenantForNav)}/${n.path}`;
          return navLink(p, n.label, path.startsWith(p));
        }),
      ),
    );
  }
  if (me.memberships.length > 1) {
    const switcher = h(
      "select",
      { id: "tenant-switcher", "aria-label": "Switch business" },
      me.memberships.map((m) =>
        h("option", { value: m.tenantId, selected: m.tenantId === tenantForNav }, m.businessName),
      ),
    );
    switcher.addEventListener("change", () =>
      navigate(`/t/${encodeURIComponent(switcher.value)}/settings`),
    );
    sections.unshift(h("div", { class: "switcher" }, switcher));
  }
  const logout = h("button", { type: "button", class: "link-button" }, "Log out");
  logout.addEventListener("click", () => {
    void api.auth
      .logout()
      .catch(() => undefined)
      .finally(() => {
        clearSession();
        navigate("/login");
      });
  });
  const menuToggle = h(
    "button",
    { type: "button", class: "menu-toggle", "aria-expanded": "false", "aria-controls": "nav" },
    "Menu",
  );
  const nav = h("nav", { id: "nav", class: "nav", "aria-label": "Main" }, sections);
  menuToggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    menuToggle.setAttribute("aria-expanded", String(open));
  });
  return h(
    "div",
    { class: "shell" },
    h(
      "header",
      { class: "topbar" },
      menuToggle,
      h("a", { class: "brand", href: href(startPath()) }, "NeuroSphere"),
      h(
        "div",
        { class: "who" },
        h("a", { href: href("/account") }, me.user.displayName ?? me.user.email),
        logout,
      ),
    ),
    nav,
    h("main", { id: "main", class: "main" }, content),
  );
}

let renderSeq = 0;

async function render(): Promise<void> {
  if (!root) return;
  const seq = ++renderSeq;
  const route = currentRoute();
  if (route.path === "/" || route.path === "") {
    navigate(startPath());
    return;
  }
  let def: RouteDef | null = null;
  let params: Record<string, string> = {};
  for (const candidate of ROUTES) {
    const found = match(candidate.pattern, route.path);
    if (found) {
      def = candidate;
      params = found;
      break;
    }
  }
  const me = currentUser();
  if (def && def.access !== "public" && !me) {
    const next = encodeURIComponent(window.location.hash.slice(1));
    navigate(`/login?next=${next}`);
    return;
  }
  // Only tenant screens put a tenant in the navigation; operator screens of a tenant do not.
  const tenantId = route.path.startsWith("/t/") ? (params.tenantId ?? null) : null;
  let content: HTMLElement;
  if (!def) {
    content = refusal(new ApiError(404, "not_found", "No such page"));
  } else if (def.access === "platform" && !me?.user.isPlatformAdmin) {
    content = refusal(new ApiError(403, "forbidden", "Operators only"));
  } else {
    try {
      content = await def.view({ params, query: route.query, rerender: () => void render() });
    } catch (error) {
      content = refusal(error);
    }
  }
  if (seq !== renderSeq) return;
  replaceChildren(root, frame(route.path, tenantId, content));
  // Move focus to the new screen's heading, so keyboard and screen-reader users land on it.
  const heading = root.querySelector<HTMLElement>("#page-title");
  if (heading && !root.querySelector("[autofocus]")) heading.focus();
  root.querySelector<HTMLElement>("[autofocus]")?.focus();
}

onSessionLost(() => {
  clearSession();
  if (!currentRoute().path.startsWith("/login")) navigate("/login");
});

window.addEventListener("hashchange", () => void render());

async function boot(): Promise<void> {
  const route = currentRoute();
  if (route.path !== "/accept") await loadSession();
  await render();
}

void boot();

import type { Viewer } from "./viewer.js";

/** The Hono environment of the dashboard's routes: the authenticated viewer, set by the auth middleware. */
export interface DashboardEnv {
  Variables: { viewer: Viewer };
}

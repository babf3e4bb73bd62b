import type * as Client from "../../src/dashboard/client/api-types.js";
import type { DashboardData } from "../../src/dashboard/dashboard-data.js";
import type { RunnerState } from "../../src/reaper/runner-states.js";

/**
 * Compile-time contract between the JSON API and the browser code, checked by `npm run typecheck`
 * (not a test file: nothing here runs). The client declares what it reads without importing the server,
 * so it compiles with the DOM library alone; each function below stops compiling if a view model the
 * server sends no longer fits what the client expects.
 */
type Served<K extends keyof DashboardData> = Awaited<ReturnType<DashboardData[K]>>;

export const runners = (served: Served<"runners">): Client.RunnersView => served;
export const pools = (served: Served<"pools">): Client.PoolsView => served;
export const events = (served: Served<"events">): Client.EventsView => served;
export const summary = (served: Served<"summary">): Client.SummaryView => served;
export const costs = (served: Served<"costs">): Client.CostsView => served;
/** Both ways: a state the server adds must be drawn by the client, and the client invents none. */
export const states = (
  server: RunnerState,
  client: Client.RunnerState,
): [Client.RunnerState, RunnerState] => [server, client];

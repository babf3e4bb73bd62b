import type { CostsView, DashboardEvent, PoolsView, RunnersView, SummaryView } from "./api-types.js";

/** What the page last heard from the server; each render reads from here. */
export const view: {
  runners: RunnersView | null;
  pools: PoolsView | null;
  /** When `runners` arrived (ages count on from it). */
  runnersAt: number;
  events: DashboardEvent[];
  lastSeq: number;
  summary: SummaryView | null;
  costs: CostsView | null;
  filter: string;
} = {
  runners: null,
  pools: null,
  runnersAt: 0,
  events: [],
  lastSeq: 0,
  summary: null,
  costs: null,
  filter: "all",
};

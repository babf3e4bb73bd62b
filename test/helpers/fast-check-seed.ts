import fc from "fast-check";

/**
 * In CI every property and fuzzer replays one fixed sequence of cases, so a red CI is reproducible and
 * never a matter of luck; locally each run draws new cases (that is how the fuzzers keep finding
 * things). `FC_SEED=<n>` replays a seed that fast-check printed.
 */
const seed = process.env.FC_SEED ?? (process.env.CI ? "20261125" : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });

import type { Observation, Observe } from "../reaper/observe.js";

/**
 * The warm loop rides on the reaper's sweep (issue 13: one observation, one periodic loop): each
 * observation the sweep makes is handed to the warm pass before the sweep acts on it. A failed warm
 * pass is reported and never fails the sweep.
 */
export function tapObservation(
  observe: Observe,
  pass: (observation: Observation) => Promise<unknown>,
  onError: (error: unknown) => void,
): Observe {
  return async () => {
    const observation = await observe();
    await pass(observation).catch(onError);
    return observation;
  };
}

/**
 * Guards for the synchronous scopes (`tidy`, `noGrad`): a scope ends when its function returns,
 * so an async function's work after its first `await` would run outside it (its tensors never
 * disposed, its ops recorded under `noGrad`). Such functions are refused before they run, and a
 * promise that a plain function returns is refused without being left unhandled.
 */
import { describeValue, ValueError } from "./errors.js";

// `async () => {}` is an instance of the (unexported) AsyncFunction constructor.
const AsyncFunction = (async () => {}).constructor;

/** Throws ValueError unless `fn` is a synchronous function; `op` names the scope. */
export function refuseAsync(op: string, fn: unknown, hint: string): void {
  if (typeof fn !== "function")
    throw new ValueError(`${op}: expected a function, got ${describeValue(fn)}`);
  if (fn instanceof AsyncFunction) throw new ValueError(`${op}: got an async function; ${hint}`);
}

/**
 * Throws ValueError if `value` is a promise or thenable. Its rejection is caught first, so that
 * the refused promise never becomes an unhandled rejection that kills the process.
 */
export function refuseThenable(op: string, value: unknown, hint: string): void {
  const then = (value as { then?: unknown } | null | undefined)?.then;
  if (typeof then !== "function") return;
  try {
    then.call(value, undefined, () => {});
  } catch {
    // A thenable whose `then` throws: nothing left pending to handle.
  }
  throw new ValueError(`${op}: fn returned a Promise; ${hint}`);
}

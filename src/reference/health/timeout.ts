// A check's own time limit combined with the caller's cancellation.
export function checkSignal(timeoutSeconds: number, signal?: AbortSignal): AbortSignal {
  const own = AbortSignal.timeout(timeoutSeconds * 1000);
  return signal ? AbortSignal.any([own, signal]) : own;
}

export function seconds(n: number): string {
  return `${n} s`;
}

// Consecutive-result counting (FAQ 2.1 health check settings): `max_retries`
// passes in a row make an unhealthy member healthy, `max_retries_down` (default
// max_retries) failures in a row make a healthy one unhealthy. The very first
// result decides at once — a new member should not wait rise × delay seconds
// to be judged — and counting starts after it (documented choice).
export class RiseFall {
  private state: boolean | undefined;
  private streak = 0;

  constructor(
    private readonly rise: number,
    private readonly fall: number,
  ) {}

  get healthy(): boolean | undefined {
    return this.state;
  }

  /** Feeds one result; returns the state when it changed (or was first decided), else undefined. */
  record(pass: boolean): boolean | undefined {
    if (this.state === undefined) {
      this.state = pass;
      this.streak = 0;
      return pass;
    }
    if (pass === this.state) {
      this.streak = 0;
      return undefined;
    }
    this.streak++;
    if (this.streak >= (pass ? this.rise : this.fall)) {
      this.state = pass;
      this.streak = 0;
      return pass;
    }
    return undefined;
  }
}

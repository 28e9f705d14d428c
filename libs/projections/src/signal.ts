/** A promise shared by every waiter, fired (and replaced) on each local event. */
export class Signal {
  private fire: () => void = () => undefined;
  private current = this.next();

  get promise(): Promise<void> {
    return this.current;
  }

  notify(): void {
    const fire = this.fire;
    this.current = this.next();
    fire();
  }

  private next(): Promise<void> {
    return new Promise<void>((resolve) => (this.fire = resolve));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

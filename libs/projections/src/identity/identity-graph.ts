/**
 * One link of the identity map: the stream `alias` counts for the identity of the stream `parent`
 * since the event at `position`. Every stream has at most one parent; following parents ends at
 * the canonical stream (the root), whose rows an identity-aware projection keeps.
 */
export interface IdentityLink {
  alias: string;
  parent: string;
  position: string;
}

/** What an event records about identity, as projections' IdentityRules describe it. */
export type IdentityChange =
  /** `alias` (and everything linked to it) counts for `into` from now on; it replaces an earlier parent. */
  | { kind: 'link'; alias: string; into: string }
  /** `alias` no longer counts for `from` (ignored unless `from` is its parent now). */
  | { kind: 'unlink'; alias: string; from: string };

/** A change that moved streams to another canonical stream: their rows must be folded again. */
export interface IdentityMove {
  /** Every stream whose canonical stream changed or whose group changed: before ∪ after. */
  streams: string[];
  /** Canonical stream of each of `streams` before the change. */
  before: Map<string, string>;
  /** … and after it. */
  after: Map<string, string>;
}

/**
 * The identity map of one build, or of the part of it a batch touches (see loadIdentityComponents:
 * whole connected components, so roots and members are exact). Pure and in memory; the engine
 * loads it, applies a batch's changes in order and writes back what changed, in the batch's
 * transaction.
 *
 * Rules, the same live and in a rebuild because they only depend on the order of the log:
 * - a link replaces the alias's current parent (a visitor claimed by another customer moves);
 * - a link that would make a cycle (the target already counts for the alias) or links a stream to
 *   itself changes nothing;
 * - an unlink removes the link only if it points where the unlink says;
 * - whatever was linked to the alias moves with it (chains: A into B, then B into C: A counts for C).
 */
export class IdentityGraph {
  private readonly parents = new Map<string, { parent: string; position: string }>();
  private readonly children = new Map<string, Set<string>>();
  /** Aliases whose link changed since construction (for the write-back). */
  private readonly touched = new Set<string>();

  constructor(links: Iterable<IdentityLink> = []) {
    for (const link of links) this.setParent(link.alias, link.parent, link.position);
    this.touched.clear();
  }

  clone(): IdentityGraph {
    const copy = new IdentityGraph(this.links());
    for (const alias of this.touched) copy.touched.add(alias);
    return copy;
  }

  links(): IdentityLink[] {
    return [...this.parents].map(([alias, { parent, position }]) => ({ alias, parent, position }));
  }

  parentOf(stream: string): string | null {
    return this.parents.get(stream)?.parent ?? null;
  }

  /** The canonical stream: the end of the parent chain (the stream itself when it has no parent). */
  root(stream: string): string {
    let current = stream;
    // Cycles cannot be built through apply(); the bound guards against a corrupted table.
    for (let hops = 0; hops <= this.parents.size; hops++) {
      const parent = this.parents.get(current)?.parent;
      if (parent === undefined) return current;
      current = parent;
    }
    throw new Error(`identity map: a cycle through ${stream}`);
  }

  /** The stream and everything linked to it, directly or through others, depth first. */
  members(stream: string): string[] {
    const out: string[] = [];
    const stack = [stream];
    while (stack.length > 0) {
      const next = stack.pop()!;
      out.push(next);
      for (const child of [...(this.children.get(next) ?? [])].sort().reverse()) stack.push(child);
    }
    return out;
  }

  /**
   * Applies one change recorded at `position`. Returns the streams whose canonical stream changed,
   * with both groups involved, or null when no stream's canonical stream changed (nothing to
   * fold again, though the link itself may have been recorded).
   */
  apply(change: IdentityChange, position: string): IdentityMove | null {
    const { alias } = change;
    if (change.kind === 'link') {
      const into = change.into;
      if (into === alias || this.parentOf(alias) === into) return null;
      if (this.isAncestorOrSelf(alias, into)) return null; // would make a cycle
      return this.move(alias, () => this.setParent(alias, into, position));
    }
    if (this.parentOf(alias) !== change.from) return null;
    return this.move(alias, () => this.removeParent(alias));
  }

  /** Aliases added, moved or removed since construction: their final link, or null when removed. */
  changes(): Map<string, { parent: string; position: string } | null> {
    const out = new Map<string, { parent: string; position: string } | null>();
    for (const alias of [...this.touched].sort()) out.set(alias, this.parents.get(alias) ?? null);
    return out;
  }

  private move(alias: string, change: () => void): IdentityMove | null {
    const oldRoot = this.root(alias);
    const groupsBefore = new Set([...this.members(oldRoot)]);
    change();
    const newRoot = this.root(alias);
    if (newRoot === oldRoot) return null;
    for (const stream of this.members(newRoot)) groupsBefore.add(stream);
    const streams = [...groupsBefore].sort();
    const before = new Map<string, string>();
    const after = new Map<string, string>();
    for (const stream of streams) after.set(stream, this.root(stream));
    // Before the change, the moved subtree hung under oldRoot, and the rest kept its root.
    const moved = new Set(this.members(alias));
    for (const stream of streams) {
      before.set(stream, moved.has(stream) ? oldRoot : after.get(stream)!);
    }
    return { streams, before, after };
  }

  private isAncestorOrSelf(candidate: string, stream: string): boolean {
    let current: string | null = stream;
    for (let hops = 0; current !== null && hops <= this.parents.size + 1; hops++) {
      if (current === candidate) return true;
      current = this.parentOf(current);
    }
    return false;
  }

  private setParent(alias: string, parent: string, position: string): void {
    this.removeParent(alias);
    this.parents.set(alias, { parent, position });
    let siblings = this.children.get(parent);
    if (!siblings) this.children.set(parent, (siblings = new Set()));
    siblings.add(alias);
    this.touched.add(alias);
  }

  private removeParent(alias: string): void {
    const current = this.parents.get(alias);
    if (!current) return;
    this.parents.delete(alias);
    this.children.get(current.parent)?.delete(alias);
    this.touched.add(alias);
  }
}

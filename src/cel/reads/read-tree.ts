// The parts of the judged objects that expressions read, as a tree of field paths. Converting an object to CEL
// values (BigInt ints, null entries dropped) then walks only these parts: a pod's environment, probes, mounts and
// resources, which most policies never read, are left as they are — and never read.
//
// A node of the tree stands for the value at its path. Being in the tree means the value is converted as far as
// the node's children reach: its own entries that expressions select, its elements or values (`any`) when
// expressions iterate or index it, and the whole value when it is used whole (compared, passed to a function,
// measured). Only the tree grows, so a conversion made for a larger tree serves a smaller one.

export class ReadTree {
  /** The whole value is read (and converted). */
  whole = false;
  /** Entries read by name. */
  readonly children = new Map<string, ReadTree>();
  /** Every element of a list or value of a map (iteration, an index that is not a literal). */
  any: ReadTree | undefined;

  /** The conversion generated for this tree (reads/convert.ts), and the version of the reads it was made for. */
  converter: { version: number; run: (value: unknown) => unknown } | undefined;

  constructor(readonly reads: ObjectReads) {}

  child(key: string): ReadTree {
    let child = this.children.get(key);
    if (child === undefined) {
      this.children.set(key, (child = new ReadTree(this.reads)));
      this.reads.grew();
    }
    return child;
  }

  element(): ReadTree {
    if (this.any === undefined) {
      this.any = new ReadTree(this.reads);
      this.reads.grew();
    }
    return this.any;
  }

  readWhole(): void {
    if (this.whole) return;
    this.whole = true;
    this.reads.grew();
  }
}

/** What every compiled policy reads of `object` and `oldObject`; `version` changes whenever it grows. */
export class ObjectReads {
  version = 0;
  readonly object = new ReadTree(this);
  readonly oldObject = new ReadTree(this);

  grew(): void {
    this.version++;
  }

  /** An expression reads something that cannot be followed: both objects are converted whole from now on. */
  everything(): void {
    this.object.readWhole();
    this.oldObject.readWhole();
  }
}

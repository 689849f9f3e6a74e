// Types for the parts of jsfive 0.4 (a pure-JavaScript HDF5 reader, no types of its own) the Keras importer uses.
declare module 'jsfive' {
  export class Group {
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group | Dataset;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
  export class Dataset {
    readonly value: ArrayLike<number | bigint> | unknown;
    readonly shape: number[];
    readonly dtype: string | unknown;
    readonly attrs: Record<string, unknown>;
  }
}

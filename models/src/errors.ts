/** Base class of every error the model recipes throw, so callers can tell data problems from tfjs ones. */
export class ModelsError extends Error {
  override name = 'ModelsError';
}

/** A data file is missing or malformed; the message names the file and how to get a good one. */
export class DatasetError extends ModelsError {
  override name = 'DatasetError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** A saved tfjs layers-model folder cannot be read back. */
export class ModelArtifactsError extends ModelsError {
  override name = 'ModelArtifactsError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

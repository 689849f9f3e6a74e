import { InvalidSourceError } from '../../errors.js';
import { messageType } from './schema.js';

/**
 * Decodes one protobuf message of the SavedModel schema into plain objects in protobuf-JSON style
 * (camelCase fields, enum names, int64 as numbers, bytes as base64 as TensorFlow.js model.json has them).
 * A truncated or corrupt message is an InvalidSourceError naming `what`.
 */
export function decodeMessage<T>(type: string, bytes: Uint8Array, what: string): T {
  const message = messageType(type);
  try {
    return message.toObject(message.decode(bytes), { longs: Number, enums: String, bytes: String, arrays: false, defaults: false }) as T;
  } catch (cause) {
    throw new InvalidSourceError(`${what} is not a valid ${type} (truncated or corrupt protobuf: ${(cause as Error).message}).`, { cause });
  }
}

import { InvalidSourceError } from '../../errors.js';
import { decodeMessage } from './decode.js';
import type { TensorBundle } from './tensor-bundle.js';

/** The checkpoint key under which TensorFlow stores the object graph it saved the checkpoint from. */
const OBJECT_GRAPH_KEY = '_CHECKPOINTABLE_OBJECT_GRAPH';
const VARIABLE_ATTRIBUTE = 'VARIABLE_VALUE';

interface ObjectReference { nodeId?: number; localName?: string }

export interface SavedObjectJson {
  children?: ObjectReference[];
  userObject?: { identifier?: string };
  function?: { concreteFunctions?: string[] };
  variable?: { dtype?: string; shape?: { dim?: { size?: number }[]; unknownRank?: boolean }; name?: string };
  bareConcreteFunction?: { concreteFunctionName?: string };
  constant?: { operation?: string };
}

export interface SavedObjectGraphJson {
  nodes?: SavedObjectJson[];
  concreteFunctions?: Record<string, { boundInputs?: number[] }>;
}

interface TrackableObjectJson {
  children?: ObjectReference[];
  attributes?: { name?: string; fullName?: string; checkpointKey?: string }[];
}

/**
 * Maps each variable of the SavedModel's object graph (by node id) to its key in the checkpoint. The
 * checkpoint stores the object graph it was written from; the two graphs are walked together from their
 * roots, matching children by their local names, as TensorFlow's own loader does. Variable names are
 * never used: Keras exports several variables with the same name.
 */
export function variableCheckpointKeys(saved: SavedObjectGraphJson, bundle: TensorBundle): Map<number, string> {
  if (!bundle.has(OBJECT_GRAPH_KEY)) {
    throw new InvalidSourceError(`The checkpoint in variables/ has no ${OBJECT_GRAPH_KEY}: it was not written by a TensorFlow 2 SavedModel export.`);
  }
  const [serialized] = bundle.readStrings(OBJECT_GRAPH_KEY);
  if (serialized === undefined) throw new InvalidSourceError(`The checkpoint's ${OBJECT_GRAPH_KEY} is empty.`);
  const checkpoint = decodeMessage<{ nodes?: TrackableObjectJson[] }>('TrackableObjectGraph', serialized, `The checkpoint's ${OBJECT_GRAPH_KEY}`);
  const savedNodes = saved.nodes ?? [];
  const trackable = checkpoint.nodes ?? [];
  const keys = new Map<number, string>();
  const seen = new Set<number>([0]);
  const queue: [number, number][] = [[0, 0]]; // [saved node id, checkpoint node id]
  while (queue.length > 0) {
    const [savedId, checkpointId] = queue.shift()!;
    const savedNode = savedNodes[savedId];
    const checkpointNode = trackable[checkpointId];
    if (savedNode === undefined || checkpointNode === undefined) {
      throw new InvalidSourceError(`The SavedModel's object graph and its checkpoint's disagree (node ${savedId} / ${checkpointId} missing).`);
    }
    const value = checkpointNode.attributes?.find((a) => a.name === VARIABLE_ATTRIBUTE)?.checkpointKey;
    if (savedNode.variable !== undefined && value !== undefined) keys.set(savedId, value);
    for (const child of checkpointNode.children ?? []) {
      const childId = child.nodeId ?? 0;
      if (seen.has(childId)) continue;
      const match = savedNode.children?.find((c) => c.localName === child.localName);
      if (match === undefined) continue; // saved in the checkpoint only (e.g. optimizer state)
      seen.add(childId);
      queue.push([match.nodeId ?? 0, childId]);
    }
  }
  return keys;
}

import * as tf from '@tensorflow/tfjs-core';
import { nmsInputs, scalarInput } from './nms-common.js';
import type { OpModule } from './types.js';

/**
 * Soft-NMS: indices and scores of the selected boxes, padded with zeros to max_output_size as TFLite's
 * kernel pads them (tfjs returns only the valid ones), and the valid count.
 */
const nmsV5: OpModule = {
  opcode: 'NON_MAX_SUPPRESSION_V5',
  kernels: ['NonMaxSuppressionV5', 'PadV2'],
  run(ctx, inputs) {
    const p = nmsInputs(ctx, inputs);
    const { selectedIndices, selectedScores } = tf.image.nonMaxSuppressionWithScore(
      p.boxes, p.scores, p.maxOutputSize, p.iouThreshold, p.scoreThreshold, scalarInput(ctx, inputs, 5),
    );
    const valid = selectedIndices.shape[0];
    const pad: [number, number][] = [[0, p.maxOutputSize - valid]];
    return [tf.pad(selectedIndices, pad), tf.pad(selectedScores, pad), tf.scalar(valid, 'int32')];
  },
};
export default nmsV5;

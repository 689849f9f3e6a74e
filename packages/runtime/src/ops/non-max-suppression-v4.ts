import * as tf from '@tensorflow/tfjs-core';
import { nmsInputs } from './nms-common.js';
import type { OpModule } from './types.js';

/** Selected box indices padded with zeros to max_output_size, and how many are valid. */
const nmsV4: OpModule = {
  opcode: 'NON_MAX_SUPPRESSION_V4',
  kernels: ['NonMaxSuppressionV4'],
  run(ctx, inputs) {
    const p = nmsInputs(ctx, inputs);
    const { selectedIndices, validOutputs } = tf.image.nonMaxSuppressionPadded(
      p.boxes, p.scores, p.maxOutputSize, p.iouThreshold, p.scoreThreshold, true,
    );
    return [selectedIndices, validOutputs];
  },
};
export default nmsV4;

import { convertFiles } from '@borde/converter/browser';

const result = await convertFiles({}, 'model/model.json', { quantize: 'int8', calibration: 'calibration' }).catch((e: unknown) => e);
document.body.textContent = String(result);

export * from './errors.js';
export * from './executor.js';
export type { OpPlacement } from './placement.js';
export { prepareBackends, type KernelCheck } from './backends.js';
/** For code that switches tfjs' global backend itself (the converter's tfjs reference): the same lock as the executor's. */
export { withEngine } from './engine-lock.js';
export type { HostTensor, ValueDType } from './host-tensor.js';
export { OP_MODULES } from './ops/index.js';
export type { OpContext, OpModule } from './ops/index.js';
export * from './cache/index.js';
export { loadModel, type LoadModelOptions } from './load-model.js';
export type { Model, ModelPlan, PlanCandidate, ModelOutput, ModelInputs, ModelInputValue, ModelRunOptions, ModelTensorInfo } from './model.js';
export { roundHalfAwayFromZero, firstNonFinite, type InputCheckMode } from './tensor-io.js';
export type { BackendRequest, BackendChoice } from './choose.js';
export type { EngineName, BackendName, TfjsBackendName, InterpreterBackendName, TensorArray, OpPlacementInfo } from './engines/engine.js';
export { probeDevice, type DeviceProbe, type GpuProbe } from './probe.js';
export { ENGINE_ASSETS, assetUrl, assetFolder, defaultAssetBase, type AssetGroup, type AssetGroupFiles } from './assets.js';
export { forgetRememberedChoices, type MeasureSettings } from './measure.js';
export type { ModelSource, SourceProgress } from './model-source.js';

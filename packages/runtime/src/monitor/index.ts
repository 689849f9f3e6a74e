export { monitor, ModelMonitor, type MonitorOptions, type DriftEvent, type DriftReport, type DriftThreshold, type FeatureScore } from './monitor.js';
export { buildCalibrationStats, type CalibrationSample, type TensorShapeInfo } from './features.js';
export { psi, ks } from './drift-score.js';
export {
  CALIBRATION_STATS_METADATA,
  CALIBRATION_STATS_VERSION,
  QUANTILE_LEVELS,
  encodeCalibrationStats,
  decodeCalibrationStats,
  readCalibrationStats,
  type CalibrationStats,
  type TensorStats,
  type StatsFeature,
  type ValuesFeature,
  type RegionsFeature,
  type ClassesFeature,
} from './stats-format.js';

export { deploy, Deployment, armOf, type DeployOptions, type DeployReport, type DeployState, type Arm, type KeyValueStorage } from './deploy.js';
export type { ArmReport, OutputDistribution } from './arm-stats.js';
export type { OutputAgreement } from './agreement.js';

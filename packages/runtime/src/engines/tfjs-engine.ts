import { assetFolder, defaultAssetBase } from '../assets.js';
import { BackendError } from '../errors.js';
import { createExecutor, type Executor } from '../executor.js';
import type { EngineLoadContext, LoadedEngine, TfjsBackendName } from './engine.js';

/** Where tfjs-backend-wasm reads its .wasm files: the assets option, the default assets base, or (Node) the package. */
function wasmPaths(context: EngineLoadContext): string | undefined {
  if (context.probe.platform === 'node') {
    // Node: backends.ts resolves the installed package unless a folder is given.
    return context.assets === undefined ? undefined : assetFolder(context.assets, 'tfjs-backend-wasm');
  }
  return assetFolder(context.assets ?? defaultAssetBase(), 'tfjs-backend-wasm');
}

/**
 * The tfjs engine: Borde's executor runs the Graph op by op on one preferred tfjs backend; ops whose kernels
 * that backend lacks are placed on cpu at load (see `placement`). Throws the executor's BackendError /
 * UnsupportedOpError when the backend or an op cannot be used.
 */
export async function loadTfjsEngine(context: EngineLoadContext, backend: TfjsBackendName): Promise<LoadedEngine> {
  const paths = wasmPaths(context);
  let executor: Executor;
  try {
    executor = await createExecutor(context.graph, {
      backends: [backend],
      ...(paths !== undefined ? { wasmPaths: paths } : {}),
      ...(context.hasKernel ? { hasKernel: context.hasKernel } : {}),
      ...(context.ops ? { ops: context.ops } : {}),
    });
  } catch (error) {
    // The executor's own message suggests its `backends` option; loadModel reports just the reason.
    if (error instanceof BackendError) {
      throw new Error(error.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`).join('; '), { cause: error });
    }
    throw error;
  }
  return {
    engine: 'tfjs',
    backend,
    placement: executor.placement,
    async run(inputs) {
      const { outputs } = await executor.runArrays(inputs);
      return outputs.map((o) => ({ data: o.data, shape: o.shape }));
    },
    dispose: () => executor.dispose(),
  };
}

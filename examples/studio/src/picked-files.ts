import type { FileContent } from '@borde/converter/browser';

/** What the user gave: the model's files under `model/`, the calibration data under `calibration/`. */
export interface PickedFiles {
  files: Map<string, FileContent>;
  /** The model's path in `files`: model.json for tfjs models, else the single model file. */
  source?: string;
  /** The calibration data's path in `files`: the `calibration` folder of images, or one data file. */
  calibration?: string;
}

const MODEL_FILE = /\.(tflite|onnx|keras|h5)$/i;
const DATA_FILE = /\.(csv|tsv|npy|json)$/i;

export function emptyPick(): PickedFiles {
  return { files: new Map() };
}

/** Adds model files (model.json and its shards keep their names, so the manifest's paths resolve). */
export function addModelFiles(pick: PickedFiles, files: readonly File[]): void {
  for (const file of files) pick.files.set(`model/${file.name}`, file);
  const names = [...pick.files.keys()].filter((k) => k.startsWith('model/'));
  pick.source = names.find((n) => n.endsWith('/model.json')) ?? names.find((n) => /\.json$/i.test(n)) ?? names.find((n) => MODEL_FILE.test(n));
}

/**
 * Adds calibration data: one .csv/.npy/.json file, or images (loose or a folder's, in its sub-folders), which
 * become a folder the converter reads as the CLI reads a folder of images.
 */
export function addCalibrationFiles(pick: PickedFiles, files: readonly { file: File; path: string }[]): void {
  for (const key of [...pick.files.keys()]) if (key.startsWith('calibration/') || key.startsWith('data/')) pick.files.delete(key);
  const single = files.length === 1 && DATA_FILE.test(files[0]!.file.name) ? files[0]! : undefined;
  if (single) {
    pick.calibration = `data/${single.file.name}`;
    pick.files.set(pick.calibration, single.file);
    return;
  }
  for (const { file, path } of files) pick.files.set(`calibration/${path}`, file);
  pick.calibration = files.length > 0 ? 'calibration' : undefined;
}

/** A folder input's files, with their paths below the picked folder (its own name dropped). */
export function folderFiles(list: FileList): { file: File; path: string }[] {
  return [...list].map((file) => ({ file, path: (file.webkitRelativePath || file.name).split('/').slice(1).join('/') || file.name }));
}

/** Files and folders dropped on the page, read through the entries API (folders recursively). */
export async function droppedFiles(items: DataTransferItemList): Promise<{ file: File; path: string }[]> {
  const out: { file: File; path: string }[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ file, path: `${prefix}${entry.name}` });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
    }
  };
  const entries = [...items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  for (const entry of entries) await walk(entry, '');
  return out;
}

/** Splits dropped files into model files and calibration data (images, or a data file that is not model.json). */
export function sortDropped(pick: PickedFiles, dropped: { file: File; path: string }[]): void {
  const isModel = (d: { file: File }) => MODEL_FILE.test(d.file.name) || /\.bin$/i.test(d.file.name) || d.file.name === 'model.json';
  addModelFiles(pick, dropped.filter(isModel).map((d) => d.file));
  const data = dropped.filter((d) => !isModel(d));
  if (data.length > 0) {
    // A dropped folder of images: paths below that folder.
    const top = new Set(data.map((d) => d.path.split('/')[0]));
    const strip = top.size === 1 && data.every((d) => d.path.includes('/'));
    addCalibrationFiles(pick, data.map((d) => ({ file: d.file, path: strip ? d.path.split('/').slice(1).join('/') : d.path })));
  }
}

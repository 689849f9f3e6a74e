import { join } from 'pathe';
import { files as sourceFiles } from '../io/files.js';
import { ConverterError } from '../errors.js';
import type { Entries, Entry, LoadContext } from './entries.js';
import { isFloatInput } from './dtypes.js';
import { imageLayout, imageTensor, isImageFile, IMAGE_EXTENSIONS } from './images.js';
import { resolvePreprocessing } from './preprocess.js';

interface FolderListing {
  /** Images directly in the folder, sorted by name. */
  images: string[];
  /** Sub-folders holding images, sorted by name (numerically when all names are numbers). */
  classes: { name: string; images: string[] }[];
  /** Files that are not images, ignored. */
  ignored: number;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const isNumericName = (n: string): boolean => /^\d+$/.test(n);

/** Lists a folder of images: the images in it, and the class sub-folders (one level) with theirs. */
export async function listImageFolder(dir: string): Promise<FolderListing> {
  const dirents = await sourceFiles().readdir(dir);
  const images = dirents.filter((d) => d.isFile() && isImageFile(d.name)).map((d) => d.name).sort(byName);
  let ignored = dirents.filter((d) => d.isFile() && !isImageFile(d.name)).length;
  const classes: FolderListing['classes'] = [];
  for (const sub of dirents.filter((d) => d.isDirectory() && !d.name.startsWith('.'))) {
    const inner = await sourceFiles().readdir(join(dir, sub.name));
    const files = inner.filter((d) => d.isFile() && isImageFile(d.name)).map((d) => d.name).sort(byName);
    ignored += inner.filter((d) => d.isFile() && !isImageFile(d.name)).length;
    if (files.length > 0) classes.push({ name: sub.name, images: files });
  }
  const numeric = classes.length > 0 && classes.every((c) => isNumericName(c.name));
  classes.sort((a, b) => (numeric ? Number(a.name) - Number(b.name) : byName(a.name, b.name)));
  return { images, classes, ignored };
}

/**
 * Images of a folder: those directly in it, or (when it has none) those of its class sub-folders, taken
 * round-robin across classes so that a `limit` keeps every class. Evaluation needs the class sub-folders:
 * a numeric folder name is the class index, other names are sorted and numbered.
 */
export async function imageFolderEntries(ctx: LoadContext): Promise<Entries> {
  const { path, inputs, options, labelled } = ctx;
  if (inputs.length !== 1) {
    throw new ConverterError('CALIBRATION', `a folder of images feeds one input, but the model takes ${inputs.length} ` +
      `(${inputs.map((i) => i.name).join(', ')}); give the samples as JSON or a JS module`);
  }
  const input = inputs[0]!;
  const layout = imageLayout(input, options.inputSize);
  // An integer image input (MoveNet's int32) takes pixel values 0..255 as they are unless the flags ask otherwise.
  const preprocessing = resolvePreprocessing(options, isFloatInput(input) ? 'unit' : 'raw')!;
  const listing = await listImageFolder(path);
  const notes: string[] = [];
  if (listing.ignored > 0) notes.push(`${listing.ignored} file(s) that are not ${IMAGE_EXTENSIONS.join('/')} were ignored`);
  const entry = (file: string, label?: unknown): Entry => ({
    where: `image ${file}`,
    label,
    read: async () => [await imageTensor(file, input, layout, preprocessing)],
  });

  let entries: Entry[];
  if (labelled || listing.images.length === 0) {
    if (listing.classes.length === 0) {
      throw new ConverterError('CALIBRATION', labelled
        ? `folder ${path} has no class sub-folders with images; evaluation images go in one sub-folder per class (e.g. ${path}/0/, ${path}/1/)`
        : `folder ${path} has no ${IMAGE_EXTENSIONS.join('/')} images (nor class sub-folders with images); add images or pass another --calibration path`);
    }
    if (labelled && listing.images.length > 0) notes.push(`${listing.images.length} image(s) outside class sub-folders were ignored`);
    const numeric = listing.classes.every((c) => isNumericName(c.name));
    const perClass = listing.classes.map((c) => c.images.map((f) => entry(join(path, c.name, f), numeric ? Number(c.name) : c.name)));
    entries = [];
    for (let i = 0; perClass.some((list) => i < list.length); i++) {
      for (const list of perClass) if (i < list.length) entries.push(list[i]!);
    }
    notes.push(`${listing.classes.length} class sub-folder(s): ${listing.classes.map((c) => `${c.name} (${c.images.length})`).join(', ')}`);
  } else {
    entries = listing.images.map((f) => entry(join(path, f)));
  }
  notes.push(`images resized to ${layout.height}x${layout.width}, ${layout.channels === 1 ? 'grey' : layout.channels === 3 ? 'RGB' : 'RGBA'}`);
  return { form: 'images', entries, notes, preprocessing };
}

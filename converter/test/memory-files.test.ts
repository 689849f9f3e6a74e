import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import { memoryFiles } from '../src/io/memory-files.js';
import { useSourceFiles } from '../src/io/source-files.js';

const MODEL_DIR = fileURLToPath(new URL('../../models/fashion-mnist/tfjs/', import.meta.url));

// The page's SourceFiles: the converter must see the same files through it as through the file system.
describe('memoryFiles', () => {
  const files = memoryFiles({ 'model/model.json': new Blob(['{}']), 'calibration/a/1.png': new Uint8Array([1, 2]), 'calibration/2.png': new Uint8Array([3]) });

  it('lists folders from the paths and reads files as bytes or text', async () => {
    const names = (await files.readdir('calibration')).map((e) => `${e.name}${e.isDirectory() ? '/' : ''}`).sort();
    expect(names).toEqual(['2.png', 'a/']);
    expect((await files.stat('calibration')).isDirectory()).toBe(true);
    expect((await files.stat('/calibration/a/1.png')).size).toBe(2);
    expect(await files.readText('model/model.json')).toBe('{}');
    expect([...(await files.readFile('./calibration/2.png'))]).toEqual([3]);
  });

  it('fails as the file system does: ENOENT, EISDIR, ENOTDIR, and refuses JS modules with a typed error', async () => {
    await expect(files.readFile('model/weights.bin')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(files.readFile('calibration')).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(files.readdir('model/model.json')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(files.importModule('data.js')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('converts a tfjs model from dropped files to the same bytes as from disk', async () => {
    const fromDisk = await convert(`${MODEL_DIR}model.json`, { verify: false });
    const restore = useSourceFiles(memoryFiles({
      'drop/model.json': new Blob([readFileSync(`${MODEL_DIR}model.json`)]),
      'drop/weights.bin': new Blob([readFileSync(`${MODEL_DIR}weights.bin`)]),
    }));
    try {
      const fromMemory = await convert('drop', { verify: false });
      expect(Buffer.from(fromMemory.bytes).equals(Buffer.from(fromDisk.bytes))).toBe(true);
      await expect(convert('elsewhere/model.json', { verify: false })).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    } finally {
      restore();
    }
  });
});

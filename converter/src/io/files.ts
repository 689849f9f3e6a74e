import { hostFiles } from '#host';
import { sourceFiles, type SourceFiles } from './source-files.js';

/** The files the converter reads now: those a page handed over (useSourceFiles), else the host's file system. */
export const files = (): SourceFiles => sourceFiles(hostFiles);

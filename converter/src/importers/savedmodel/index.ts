export { importSavedModel, type ImportSavedModelOptions, type SavedModelFiles } from './import-saved-model.js';
export { readSavedModelFolder } from './read-folder.js';

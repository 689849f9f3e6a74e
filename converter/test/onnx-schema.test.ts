import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { onnxSchema } from '../src/importers/onnx/schema.js';

// The importer decodes with a subset of onnx.proto kept in a string; the full file (ONNX 1.23) is vendored
// beside it. Every field of the subset must have the number and type the official schema gives it.

describe('ONNX schema subset', () => {
  it('agrees with the vendored onnx.proto on every field it keeps', () => {
    const full = protobuf.parse(readFileSync(new URL('../src/importers/onnx/proto/onnx.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
    const subset = onnxSchema();
    let checked = 0;
    const visit = (ns: protobuf.NamespaceBase): void => {
      for (const nested of ns.nestedArray) {
        if (nested instanceof protobuf.Type) {
          const official = full.lookupType(nested.fullName);
          for (const field of nested.fieldsArray) {
            const want = official.fields[field.name];
            expect(want, `${nested.fullName}.${field.name}`).toBeDefined();
            expect([field.id, field.repeated], `${nested.fullName}.${field.name}`).toEqual([want!.id, want!.repeated]);
            // Enums are read as their int32 numbers in the subset.
            if (!(want!.resolve().resolvedType instanceof protobuf.Enum)) expect(field.type).toBe(want!.type);
            checked++;
          }
        }
        if (nested instanceof protobuf.Namespace) visit(nested);
      }
    };
    visit(subset);
    expect(checked).toBeGreaterThan(40);
  });
});

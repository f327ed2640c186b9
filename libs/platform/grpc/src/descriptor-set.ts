import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** One `google.protobuf.FileDescriptorProto` of a set, with the bytes reflection serves. */
export interface DescribedFile {
  name: string;
  package: string;
  /** Full names of the services the file declares, e.g. `govern.content.v1.ContentService`. */
  services: string[];
  bytes: Uint8Array;
}

export interface MergedDescriptorSet {
  /** A `google.protobuf.FileDescriptorSet` holding every file once. */
  bytes: Uint8Array;
  files: DescribedFile[];
  /** Names that came with different contents in two sets (the first one was kept). */
  conflicts: string[];
}

// Field numbers from google/protobuf/descriptor.proto.
const SET_FILE = 1;
const FILE_NAME = 1;
const FILE_PACKAGE = 2;
const FILE_SERVICE = 6;
const SERVICE_NAME = 1;

const fields = (bytes: Uint8Array, visit: (fieldNo: number, reader: BinaryReader, wireType: WireType) => boolean): void => {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    if (!visit(fieldNo, reader, wireType)) reader.skip(wireType, fieldNo);
  }
};

const describeFile = (bytes: Uint8Array): DescribedFile => {
  let name = '';
  let pkg = '';
  const serviceNames: string[] = [];
  fields(bytes, (fieldNo, reader, wireType) => {
    if (wireType !== WireType.LengthDelimited) return false;
    if (fieldNo === FILE_NAME) name = reader.string();
    else if (fieldNo === FILE_PACKAGE) pkg = reader.string();
    else if (fieldNo === FILE_SERVICE) {
      fields(reader.bytes(), (serviceField, serviceReader, serviceWire) => {
        if (serviceField !== SERVICE_NAME || serviceWire !== WireType.LengthDelimited) return false;
        serviceNames.push(serviceReader.string());
        return true;
      });
    } else return false;
    return true;
  });
  return { name, package: pkg, services: serviceNames.map((s) => (pkg ? `${pkg}.${s}` : s)), bytes };
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Merges FileDescriptorSets (one per contracts lib, as codegen writes them) into one,
 * keeping each file once by name: a service's set repeats the shared files it imports.
 */
export const mergeDescriptorSets = (sets: readonly Uint8Array[]): MergedDescriptorSet => {
  const byName = new Map<string, DescribedFile>();
  const conflicts: string[] = [];
  for (const set of sets) {
    fields(set, (fieldNo, reader, wireType) => {
      if (fieldNo !== SET_FILE || wireType !== WireType.LengthDelimited) return false;
      const file = describeFile(reader.bytes().slice());
      const seen = byName.get(file.name);
      if (!seen) byName.set(file.name, file);
      else if (!sameBytes(seen.bytes, file.bytes) && !conflicts.includes(file.name)) conflicts.push(file.name);
      return true;
    });
  }
  const files = [...byName.values()];
  const writer = new BinaryWriter();
  for (const file of files) writer.tag(SET_FILE, WireType.LengthDelimited).bytes(file.bytes);
  return { bytes: writer.finish(), files, conflicts };
};

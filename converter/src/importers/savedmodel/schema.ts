import protobuf from 'protobufjs';

/**
 * The part of TensorFlow's SavedModel and checkpoint wire format that the SavedModel importer reads,
 * as a proto3 schema for protobufjs. Field names and numbers are those of TensorFlow's own schema
 * (tensorflow/core/framework/*.proto and tensorflow/core/protobuf/*.proto); fields the importer has no
 * use for are left out, and protobuf skips them on decoding. It lives in a string (not a .proto file read
 * at run time) so the importer works the same in Node and in a browser, without fs or a build step.
 */
export const SAVED_MODEL_SCHEMA = `
syntax = "proto3";
package tensorflow;

enum DataType {
  DT_INVALID = 0; DT_FLOAT = 1; DT_DOUBLE = 2; DT_INT32 = 3; DT_UINT8 = 4; DT_INT16 = 5; DT_INT8 = 6;
  DT_STRING = 7; DT_COMPLEX64 = 8; DT_INT64 = 9; DT_BOOL = 10; DT_QINT8 = 11; DT_QUINT8 = 12; DT_QINT32 = 13;
  DT_BFLOAT16 = 14; DT_QINT16 = 15; DT_QUINT16 = 16; DT_UINT16 = 17; DT_COMPLEX128 = 18; DT_HALF = 19;
  DT_RESOURCE = 20; DT_VARIANT = 21; DT_UINT32 = 22; DT_UINT64 = 23;
}

message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated float float_val = 5;
  repeated double double_val = 6;
  repeated int32 int_val = 7;
  repeated bytes string_val = 8;
  repeated int64 int64_val = 10;
  repeated bool bool_val = 11;
  repeated int32 half_val = 13;
}

message NameAttrList {
  string name = 1;
  map<string, AttrValue> attr = 2;
}

message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3;
    repeated float f = 4;
    repeated bool b = 5;
    repeated DataType type = 6;
    repeated TensorShapeProto shape = 7;
    repeated TensorProto tensor = 8;
    repeated NameAttrList func = 9;
  }
  oneof value {
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    DataType type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
    ListValue list = 1;
    NameAttrList func = 10;
    string placeholder = 9;
  }
}

message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}

message OpDef {
  message ArgDef {
    string name = 1;
    DataType type = 3;
    string type_attr = 4;
    string number_attr = 5;
    string type_list_attr = 6;
  }
  string name = 1;
  repeated ArgDef input_arg = 2;
  repeated ArgDef output_arg = 3;
}

message OpList { repeated OpDef op = 1; }

message FunctionDef {
  OpDef signature = 1;
  repeated NodeDef node_def = 3;
  map<string, string> ret = 4;
}

message FunctionDefLibrary { repeated FunctionDef function = 1; }

message GraphDef {
  repeated NodeDef node = 1;
  FunctionDefLibrary library = 2;
}

message TensorInfo {
  string name = 1;
  DataType dtype = 2;
  TensorShapeProto tensor_shape = 3;
}

message SignatureDef {
  map<string, TensorInfo> inputs = 1;
  map<string, TensorInfo> outputs = 2;
  string method_name = 3;
}

message ObjectReference {
  int32 node_id = 1;
  string local_name = 2;
}

message SavedVariable {
  DataType dtype = 1;
  TensorShapeProto shape = 2;
  string name = 6;
}

message SavedConcreteFunction { repeated int32 bound_inputs = 2; }

message SavedBareConcreteFunction { string concrete_function_name = 1; }

message SavedFunction { repeated string concrete_functions = 1; }

message SavedUserObject { string identifier = 1; }

message SavedConstant { string operation = 1; }

message SavedObject {
  repeated ObjectReference children = 1;
  oneof kind {
    SavedUserObject user_object = 4;
    SavedFunction function = 6;
    SavedVariable variable = 7;
    SavedBareConcreteFunction bare_concrete_function = 8;
    SavedConstant constant = 9;
  }
}

message SavedObjectGraph {
  repeated SavedObject nodes = 1;
  map<string, SavedConcreteFunction> concrete_functions = 2;
}

message MetaInfoDef {
  OpList stripped_op_list = 2;
  repeated string tags = 4;
  string tensorflow_version = 5;
}

message MetaGraphDef {
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
  map<string, SignatureDef> signature_def = 5;
  SavedObjectGraph object_graph_def = 7;
}

message SavedModel {
  int64 saved_model_schema_version = 1;
  repeated MetaGraphDef meta_graphs = 2;
}

// The checkpoint (variables/): TensorBundle entries and the object graph it was written from.

message BundleHeaderProto {
  enum Endianness { LITTLE = 0; BIG = 1; }
  int32 num_shards = 1;
  Endianness endianness = 2;
}

message TensorSliceProto {
  message Extent { int64 start = 1; int64 length = 2; }
  repeated Extent extent = 1;
}

message BundleEntryProto {
  DataType dtype = 1;
  TensorShapeProto shape = 2;
  int32 shard_id = 3;
  int64 offset = 4;
  int64 size = 5;
  fixed32 crc32c = 6;
  repeated TensorSliceProto slices = 7;
}

message TrackableObjectGraph {
  message TrackableObject {
    message SerializedTensor {
      string name = 1;
      string full_name = 2;
      string checkpoint_key = 3;
    }
    repeated ObjectReference children = 1;
    repeated SerializedTensor attributes = 2;
  }
  repeated TrackableObject nodes = 1;
}
`;

let root: protobuf.Root | undefined;

/** The message type `tensorflow.<name>`, from the schema parsed once per process. */
export function messageType(name: string): protobuf.Type {
  root ??= protobuf.parse(SAVED_MODEL_SCHEMA, { keepCase: false }).root;
  return root.lookupType(`tensorflow.${name}`);
}

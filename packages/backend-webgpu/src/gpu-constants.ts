/**
 * WebGPU enum values, fixed by the specification. Spelled out here so the package needs no GPU
 * globals (`GPUBufferUsage`, ...) at import time: Node has none unless a binding installs them.
 */
export const BUFFER_MAP_READ = 0x1;
export const BUFFER_COPY_SRC = 0x4;
export const BUFFER_COPY_DST = 0x8;
export const BUFFER_UNIFORM = 0x40;
export const BUFFER_STORAGE = 0x80;
export const MAP_MODE_READ = 0x1;
export const SHADER_STAGE_COMPUTE = 0x4;

/** Usage of every tensor buffer. */
export const TENSOR_USAGE = BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST;

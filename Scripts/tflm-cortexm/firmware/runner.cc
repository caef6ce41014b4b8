// Arena runner: loads model.tflite and input.bin through semihosting, registers
// exactly the model's builtin operators, and prints (key=value lines):
//   arena_used_bytes, head_bytes and tail_bytes (interpreter built on an allocator
//   made the way MicroAllocator::Create(arena, size) makes it, so the split is
//   readable), plain_arena_used_bytes (the plain MicroInterpreter(model, resolver,
//   arena, size) constructor, which must agree), and min_arena_bytes: the smallest
//   16-byte multiple for which AllocateTensors and Invoke succeed on a 16-byte-aligned
//   arena. Output tensors are written to output.bin, in subgraph order.
#include <new>

#include "semihost.h"
#include "tensorflow/lite/micro/arena_allocator/single_arena_buffer_allocator.h"
#include "tensorflow/lite/micro/memory_planner/greedy_memory_planner.h"
#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/compiler/mlir/lite/schema/schema_utils.h"
#include "tensorflow/lite/schema/schema_generated.h"

extern "C" uint8_t __pool_start[], __pool_end[];

namespace {

constexpr int kMaxOperators = 64;
using Resolver = tflite::MicroMutableOpResolver<kMaxOperators>;

// Generated from micro_mutable_op_resolver.h by tflm_cortexm.py: one case per
// builtin operator whose Add method takes no argument.
TfLiteStatus AddOperator(Resolver& resolver, int32_t code) {
  switch (code) {
#include "ops_switch.inc"
    default:
      return kTfLiteError;
  }
}

uint8_t* AlignUp16(uint8_t* p) {
  return reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(p) + 15u) & ~uintptr_t{15});
}

size_t ReadWholeFile(const char* name, uint8_t* destination, size_t capacity) {
  int handle = sh_open(name, 0);
  if (handle < 0) return 0;
  long length = sh_file_length(handle);
  if (length <= 0 || static_cast<size_t>(length) > capacity) {
    sh_close(handle);
    return 0;
  }
  size_t read = sh_read(handle, destination, static_cast<size_t>(length));
  sh_close(handle);
  return read == static_cast<size_t>(length) ? read : 0;
}

alignas(16) uint8_t interpreter_storage[sizeof(tflite::MicroInterpreter)];

struct Run {
  const tflite::Model* model;
  Resolver* resolver;
  const uint8_t* input;
  size_t input_bytes;
};

bool CopyInputs(tflite::MicroInterpreter* interpreter, const Run& run) {
  size_t offset = 0;
  for (size_t i = 0; i < interpreter->inputs_size(); i++) {
    TfLiteTensor* tensor = interpreter->input(i);
    if (offset + tensor->bytes > run.input_bytes) return false;
    for (size_t b = 0; b < tensor->bytes; b++) tensor->data.uint8[b] = run.input[offset + b];
    offset += tensor->bytes;
  }
  return offset == run.input_bytes;
}

// AllocateTensors + inputs + Invoke with the plain constructor and an arena of `size` bytes.
bool Works(const Run& run, uint8_t* arena, size_t size) {
  auto* interpreter = new (interpreter_storage) tflite::MicroInterpreter(run.model, *run.resolver, arena, size);
  bool ok = interpreter->AllocateTensors() == kTfLiteOk && CopyInputs(interpreter, run) &&
            interpreter->Invoke() == kTfLiteOk;
  interpreter->~MicroInterpreter();
  return ok;
}

}  // namespace

int main(void) {
  uint8_t* pool = AlignUp16(__pool_start);
  size_t model_bytes = ReadWholeFile("model.tflite", pool, static_cast<size_t>(__pool_end - pool));
  if (model_bytes == 0) {
    sh_puts("error=model.tflite unreadable\n");
    return 2;
  }
  uint8_t* input = AlignUp16(pool + model_bytes);
  size_t input_bytes = ReadWholeFile("input.bin", input, static_cast<size_t>(__pool_end - input));
  uint8_t* arena = AlignUp16(input + input_bytes);
  size_t arena_size = static_cast<size_t>(__pool_end - arena) & ~size_t{15};
  sh_put_kv("pool_arena_bytes", static_cast<long>(arena_size));

  const tflite::Model* model = tflite::GetModel(pool);
  if (model->version() != TFLITE_SCHEMA_VERSION || model->operator_codes() == nullptr) {
    sh_puts("error=bad model\n");
    return 2;
  }
  static Resolver resolver;
  for (const tflite::OperatorCode* code : *model->operator_codes()) {
    int32_t builtin = tflite::GetBuiltinCode(code);
    if (builtin == tflite::BuiltinOperator_CUSTOM) {
      sh_puts("error=custom operator\n");
      return 3;
    }
    if (resolver.FindOp(static_cast<tflite::BuiltinOperator>(builtin)) != nullptr) continue;
    if (AddOperator(resolver, builtin) != kTfLiteOk) {
      sh_put_kv("unsupported_operator", builtin);
      return 3;
    }
  }
  Run run{model, &resolver, input, input_bytes};

  // A single trial, when the host bisects (used after a too-small arena crashed the
  // in-process search): trial.txt holds the arena size in bytes.
  char trial[24] = {0};
  if (ReadWholeFile("trial.txt", reinterpret_cast<uint8_t*>(trial), sizeof(trial) - 1) > 0) {
    size_t size = 0;
    for (const char* c = trial; *c >= '0' && *c <= '9'; c++) size = size * 10 + static_cast<size_t>(*c - '0');
    sh_put_kv("trial_bytes", static_cast<long>(size));
    sh_put_kv("trial_ok", size <= arena_size && Works(run, arena, size) ? 1 : 0);
    return 0;
  }

  // 1. Head/tail split: the allocator built the way MicroAllocator::Create(arena, size) does.
  {
    tflite::SingleArenaBufferAllocator* memory =
        tflite::SingleArenaBufferAllocator::Create(arena, arena_size);
    uint8_t* planner_buffer = memory->AllocatePersistentBuffer(sizeof(tflite::GreedyMemoryPlanner),
                                                               alignof(tflite::GreedyMemoryPlanner));
    auto* planner = new (planner_buffer) tflite::GreedyMemoryPlanner();
    tflite::MicroAllocator* allocator = tflite::MicroAllocator::Create(memory, planner);
    auto* interpreter = new (interpreter_storage) tflite::MicroInterpreter(model, resolver, allocator);
    TfLiteStatus allocate = interpreter->AllocateTensors();
    sh_put_kv("allocate_status", allocate);
    if (allocate != kTfLiteOk) return 4;
    if (!CopyInputs(interpreter, run)) {
      sh_put_kv("input_mismatch_bytes", static_cast<long>(input_bytes));
      return 5;
    }
    TfLiteStatus invoke = interpreter->Invoke();
    sh_put_kv("invoke_status", invoke);
    if (invoke != kTfLiteOk) return 6;
    sh_put_kv("arena_used_bytes", static_cast<long>(interpreter->arena_used_bytes()));
    sh_put_kv("head_bytes", static_cast<long>(memory->GetNonPersistentUsedBytes()));
    sh_put_kv("tail_bytes", static_cast<long>(memory->GetPersistentUsedBytes()));
    int out = sh_open("output.bin", 1);
    for (size_t i = 0; i < interpreter->outputs_size(); i++) {
      TfLiteTensor* tensor = interpreter->output(i);
      sh_put_kv("output_bytes", static_cast<long>(tensor->bytes));
      sh_write(out, tensor->data.raw, tensor->bytes);
    }
    sh_close(out);
    interpreter->~MicroInterpreter();
  }

  // 2. The plain constructor, as applications use it.
  size_t used = 0;
  {
    auto* interpreter = new (interpreter_storage) tflite::MicroInterpreter(model, resolver, arena, arena_size);
    if (interpreter->AllocateTensors() != kTfLiteOk) return 7;
    used = interpreter->arena_used_bytes();
    sh_put_kv("plain_arena_used_bytes", static_cast<long>(used));
    interpreter->~MicroInterpreter();
  }

  // 3. Smallest working arena, in 16-byte steps: lo fails, hi works.
  size_t hi = (used + 15u) / 16u;
  if (!Works(run, arena, hi * 16u)) {
    sh_put_kv("used_arena_fails", static_cast<long>(hi * 16u));
    hi = arena_size / 16u;
  }
  size_t lo = 0;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (Works(run, arena, mid * 16u)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  sh_put_kv("min_arena_bytes", static_cast<long>(hi * 16u));
  sh_puts("done=1\n");
  return 0;
}

// Why this shim exists: SwiftPM renames an executable's entry point (and points `main` at it with --defsym), so
// libFuzzer's own `main` is never linked in. Each harness therefore has a Swift `@main` that hands control to
// libFuzzer through this documented entry point of the libclang_rt.fuzzer runtime.
#ifndef LIBFUZZER_DRIVER_H
#define LIBFUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif

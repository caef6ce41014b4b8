// Minimal Arm semihosting (bkpt 0xAB) for the harness firmware under QEMU.
#ifndef MCUSIM_TFLM_CORTEXM_SEMIHOST_H_
#define MCUSIM_TFLM_CORTEXM_SEMIHOST_H_
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
// Opens a file relative to QEMU's working directory; returns a handle or -1.
int sh_open(const char* name, int write);
// Reads up to len bytes; returns the number read.
size_t sh_read(int handle, void* buffer, size_t len);
// Writes len bytes; returns 0 on success.
int sh_write(int handle, const void* buffer, size_t len);
long sh_file_length(int handle);
void sh_close(int handle);
// Writes a NUL-terminated string to QEMU's stdout.
void sh_puts(const char* text);
// Prints "key=value\n".
void sh_put_kv(const char* key, long value);
// Ends the simulation with an exit code (SYS_EXIT_EXTENDED).
void sh_exit(int code) __attribute__((noreturn));
#ifdef __cplusplus
}
#endif
#endif

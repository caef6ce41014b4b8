#include "semihost.h"

enum {
  kSysOpen = 0x01, kSysClose = 0x02, kSysWrite0 = 0x04, kSysWrite = 0x05, kSysRead = 0x06,
  kSysFlen = 0x0C, kSysExitExtended = 0x20,
};

static int semihost_call(int operation, void* argument) {
  register int r0 __asm__("r0") = operation;
  register void* r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static size_t length_of(const char* s) {
  size_t n = 0;
  while (s[n] != 0) n++;
  return n;
}

int sh_open(const char* name, int write) {
  // Modes 1 ("rb") and 5 ("wb") of the semihosting specification.
  uint32_t args[3] = {(uint32_t)name, write ? 5u : 1u, (uint32_t)length_of(name)};
  return semihost_call(kSysOpen, args);
}

size_t sh_read(int handle, void* buffer, size_t len) {
  uint32_t args[3] = {(uint32_t)handle, (uint32_t)buffer, (uint32_t)len};
  int not_read = semihost_call(kSysRead, args);  // returns the bytes *not* read
  return len - (size_t)not_read;
}

int sh_write(int handle, const void* buffer, size_t len) {
  uint32_t args[3] = {(uint32_t)handle, (uint32_t)buffer, (uint32_t)len};
  return semihost_call(kSysWrite, args);
}

long sh_file_length(int handle) {
  uint32_t args[1] = {(uint32_t)handle};
  return semihost_call(kSysFlen, args);
}

void sh_close(int handle) {
  uint32_t args[1] = {(uint32_t)handle};
  semihost_call(kSysClose, args);
}

void sh_puts(const char* text) { semihost_call(kSysWrite0, (void*)text); }

void sh_put_kv(const char* key, long value) {
  char line[96];
  size_t n = 0;
  while (*key != 0 && n < 60) line[n++] = *key++;
  line[n++] = '=';
  char digits[24];
  size_t d = 0;
  unsigned long magnitude = value < 0 ? (unsigned long)(-value) : (unsigned long)value;
  do {
    digits[d++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) line[n++] = '-';
  while (d > 0) line[n++] = digits[--d];
  line[n++] = '\n';
  line[n] = 0;
  sh_puts(line);
}

void sh_exit(int code) {
  // ADP_Stopped_ApplicationExit with an exit status.
  uint32_t args[2] = {0x20026u, (uint32_t)code};
  semihost_call(kSysExitExtended, args);
  for (;;) {
  }
}
